//! `cachegen impact`: a git repository with the shipped project committed as the base, a change
//! made in the working tree, and the real binary reporting what the change does, in each
//! format, with its exit code. The base is read from git; a hostile base (links, oversized
//! files, odd revisions) is read safely or refused.

use crate::common::*;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

/// A repository holding the shipped project (specs, cachegen.toml and the rendered
/// `generated/`) as its first commit on `main`.
struct Repo {
    dir: TempDir,
}

impl Repo {
    fn new(tag: &str) -> Repo {
        let dir = TempDir::new(&format!("impact-{tag}"));
        copy_project(dir.path());
        let o = run_in(dir.path(), &["render"]);
        assert_eq!(code(&o), 0, "{}", output_text(&o));
        let repo = Repo { dir };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.commit("base");
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// git with a fixed identity and clock, so that commit ids (which reports name) are the
    /// same on every run.
    fn git(&self, args: &[&str]) -> String {
        let o = Command::new("git")
            .args([
                "-c",
                "user.name=cachegen",
                "-c",
                "user.email=ci@example.invalid",
            ])
            .args([
                "-c",
                "commit.gpgsign=false",
                "-c",
                "core.hooksPath=/dev/null",
            ])
            .args(args)
            .current_dir(self.path())
            .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
            .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
            .output()
            .expect("git runs");
        assert!(
            o.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    fn write(&self, rel: &str, text: &str) {
        let p = self.path().join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap()
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert!(text.contains(from), "`{from}` is not in {rel}");
        self.write(rel, &text.replacen(from, to, 1));
    }

    fn impact(&self, args: &[&str]) -> Output {
        let mut all = vec!["impact"];
        all.extend_from_slice(args);
        run_in(self.path(), &all)
    }

    fn json(&self, args: &[&str]) -> (i32, Value) {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let o = self.impact(&all);
        let doc = serde_json::from_str(&stdout(&o))
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", output_text(&o)));
        (code(&o), doc)
    }

    /// The report with the base's commit id replaced, for snapshots.
    fn stable(&self, text: &str) -> String {
        let head = self.git(&["rev-parse", "HEAD"]);
        text.replace(&head[..12], "<base commit>")
    }
}

fn environment<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["environments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["environment"] == name)
        .unwrap_or_else(|| panic!("no environment {name} in {doc:#}"))
}

fn changes(env: &Value) -> &Vec<Value> {
    env["changes"].as_array().unwrap()
}

fn effect_of(env: &Value, target: &str, resource: &str) -> Option<String> {
    changes(env)
        .iter()
        .filter(|c| c["target"] == target && c["resource"] == resource)
        .map(|c| c["effect"].as_str().unwrap().to_string())
        .max_by_key(|e| {
            [
                "create", "none", "update", "restart", "staged", "delete", "replace",
            ]
            .iter()
            .position(|x| x == e)
        })
}

/// The acceptance: the shipped repository against its own HEAD says "no changes" and exits 0
/// (its speed is measured by `scripts/bench-impact.sh`).
#[test]
fn the_shipped_repository_against_its_own_head_has_no_changes() {
    if !root().join(".git").exists() {
        eprintln!("SKIPPED: the crate is not a git checkout");
        return;
    }
    let o = run_in(&root(), &["impact", "--base", "HEAD"]);
    assert_eq!(code(&o), 0, "{}", output_text(&o));
    assert!(stderr(&o).contains("no changes"), "{}", stderr(&o));
}

#[test]
fn renaming_a_production_cache_replaces_it_and_fails_until_acknowledged() {
    let repo = Repo::new("rename");
    repo.edit(
        "environments/production/cache.yaml",
        "environment: production\n",
        "environment: production\nname: orders-kv\n",
    );
    let (exit, doc) = repo.json(&["--base", "HEAD"]);
    assert_eq!(exit, 1, "{doc:#}");
    let prod = environment(&doc, "production");
    assert_eq!(prod["blocking"], true);
    let group = changes(prod)
        .iter()
        .find(|c| c["resource"] == "aws_elasticache_replication_group.redis")
        .unwrap();
    assert_eq!(group["effect"], "replace");
    assert_eq!(group["setting"], "name");
    assert_eq!(group["old"], "hospitality-redis");
    assert_eq!(group["new"], "orders-kv");
    assert_eq!(
        group["location"],
        serde_json::json!({"file": "environments/production/cache.yaml", "line": 8, "column": 7, "revision": "head"})
    );
    let replaced = changes(prod)
        .iter()
        .filter(|c| c["effect"] == "replace")
        .count();
    // The ten of the cache and the alarm topic (its name is part of its ARN).
    assert_eq!(
        replaced, 11,
        "as the day-2 research measured with the provider"
    );
    assert_eq!(
        effect_of(prod, "aws", "aws_kms_key.redis").as_deref(),
        Some("update")
    );
    for other in [
        "development",
        "staging",
        "production-azure",
        "production-gcp",
    ] {
        assert_eq!(environment(&doc, other)["status"], "unchanged");
    }
    let md = repo.impact(&["--base", "HEAD", "--format", "markdown"]);
    assert_eq!(code(&md), 1);
    golden()
        .bind(|| insta::assert_snapshot!("impact@rename-production.md", repo.stable(&stdout(&md))));

    // Acknowledged in the spec: the run passes, and render keeps the statement in the files.
    let spec = repo.read("environments/production/cache.yaml");
    repo.write(
        "environments/production/cache.yaml",
        &format!("{spec}policy:\n  accept_replacement: \"The cache moves to the orders team; it is refilled from the database.\"\n"),
    );
    let (exit, doc) = repo.json(&["--base", "HEAD"]);
    assert_eq!(exit, 0, "{doc:#}");
    let prod = environment(&doc, "production");
    assert_eq!(prod["blocking"], false);
    assert!(
        prod["acknowledged"]
            .as_str()
            .unwrap()
            .contains("orders team")
    );
    let o = run_in(repo.path(), &["render"]);
    assert_eq!(code(&o), 0, "{}", output_text(&o));
    let main_tf = repo.read("generated/production/terraform/aws/main.tf");
    assert!(
        main_tf.contains(
            "# Replacement accepted (policy.accept_replacement; the deletion guards are off): The cache moves to the orders team"
        ),
        "{main_tf}"
    );

    // Merged, the statement acknowledges nothing more: a later change that keeps it fails
    // again, with a warning to remove it.
    repo.commit("rename, acknowledged");
    repo.edit(
        "environments/production/cache.yaml",
        "port: 6379",
        "port: 6380",
    );
    let (exit, doc) = repo.json(&["--base", "HEAD"]);
    assert_eq!(exit, 1, "{doc:#}");
    let prod = environment(&doc, "production");
    assert!(prod["stale_acknowledgment"].is_object(), "{prod:#}");
    assert_eq!(
        effect_of(prod, "aws", "aws_elasticache_replication_group.redis").as_deref(),
        Some("replace")
    );
    let sarif = repo.impact(&["--base", "HEAD", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&stdout(&sarif)).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let stale = results
        .iter()
        .find(|r| r["ruleId"] == cachegen::diagnostics::codes::IMPACT_STALE_ACKNOWLEDGMENT)
        .expect("the stale acknowledgment is reported");
    assert_eq!(stale["level"], "warning");
}

#[test]
fn bumping_memory_on_staging_restarts_the_container() {
    let repo = Repo::new("memory");
    repo.edit(
        "environments/staging/cache.yaml",
        "max_memory: 4gb",
        "max_memory: 6gb",
    );
    let (exit, doc) = repo.json(&["--base", "HEAD"]);
    assert_eq!(exit, 0, "{doc:#}");
    let staging = environment(&doc, "staging");
    assert_eq!(
        effect_of(staging, "compose", "redis.conf: maxmemory").as_deref(),
        Some("update")
    );
    assert_eq!(
        effect_of(staging, "compose", "service redis").as_deref(),
        Some("restart"),
        "the container's memory limit follows max_memory"
    );
    let md = repo.impact(&["--base", "HEAD", "--format", "markdown"]);
    assert_eq!(code(&md), 0, "{}", stderr(&md));
    golden()
        .bind(|| insta::assert_snapshot!("impact@staging-memory.md", repo.stable(&stdout(&md))));
}

#[test]
fn a_template_change_alone_is_found_in_the_generated_files() {
    let repo = Repo::new("template");
    let builtin = std::fs::read_to_string(root().join("templates/aws/main.tf.j2")).unwrap();
    for line in [
        "deletion_window_in_days = 30",
        "transit_encryption_mode = {{ tls_mode | tf }}",
    ] {
        assert!(
            builtin.contains(line),
            "the AWS template no longer has `{line}`"
        );
    }
    repo.write(
        "templates/aws/main.tf.j2",
        &builtin
            .replace(
                "deletion_window_in_days = 30",
                "deletion_window_in_days = 7",
            )
            .replace(
                "transit_encryption_mode = {{ tls_mode | tf }}",
                "transit_encryption_mode = \"preferred\"",
            ),
    );
    repo.edit(
        "cachegen.toml",
        "output = \"generated\"\n",
        "output = \"generated\"\ntemplates = \"templates\"\n",
    );
    let (exit, doc) = repo.json(&["--base", "HEAD"]);
    assert_eq!(exit, 0, "{doc:#}");
    let prod = environment(&doc, "production");
    let found: Vec<(&str, &str, &str)> = changes(prod)
        .iter()
        .map(|c| {
            (
                c["resource"].as_str().unwrap(),
                c["cause"].as_str().unwrap(),
                c["effect"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "aws_elasticache_replication_group.redis",
                "generated_files",
                "update"
            ),
            // The alarm topic's key is rendered from the same template lines.
            ("aws_kms_key.alarms", "generated_files", "update"),
            ("aws_kms_key.redis", "generated_files", "update"),
        ]
    );
    let group = &changes(prod)[0];
    assert_eq!(group["old"], "required");
    assert_eq!(group["new"], "preferred");
    assert_eq!(
        group["location"]["file"], "generated/production/terraform/aws/main.tf",
        "a generated-files change points at the resource in the generated file"
    );
    let md = repo.impact(&["--base", "HEAD", "--format", "markdown"]);
    golden().bind(|| insta::assert_snapshot!("impact@template-only.md", repo.stable(&stdout(&md))));
}

#[test]
fn environments_added_and_removed_are_created_and_deleted() {
    let repo = Repo::new("envs");
    std::fs::remove_dir_all(repo.path().join("environments/production-gcp")).unwrap();
    let dev = repo.read("environments/development/cache.yaml");
    repo.write(
        "environments/qa/cache.yaml",
        &dev.replace("environment: development", "environment: qa"),
    );
    let (exit, doc) = repo.json(&["--base", "HEAD"]);
    assert_eq!(
        exit, 1,
        "removing a production environment deletes its cache: {doc:#}"
    );
    let gone = environment(&doc, "production-gcp");
    assert_eq!(gone["status"], "deleted");
    assert_eq!(
        effect_of(gone, "gcp", "google_redis_instance.redis").as_deref(),
        Some("delete")
    );
    assert_eq!(gone["changes"][0]["location"]["revision"], "base");
    let qa = environment(&doc, "qa");
    assert_eq!(qa["status"], "created");
    assert_eq!(
        effect_of(qa, "compose", "service redis").as_deref(),
        Some("create")
    );

    // Removing it on purpose: a reviewed statement in the base spec first, then the removal.
    std::fs::remove_dir_all(repo.path().join("environments/qa")).unwrap();
    repo.git(&["checkout", "-q", "--", "environments/production-gcp"]);
    repo.edit(
        "environments/production-gcp/cache.yaml",
        "policy:\n",
        "policy:\n  accept_replacement: \"Google Cloud is left; the cache moves to AWS.\"\n",
    );
    let (exit, doc) = repo.json(&["--base", "HEAD"]);
    assert_eq!(exit, 0, "the statement alone changes nothing: {doc:#}");
    repo.commit("production-gcp may go");
    std::fs::remove_dir_all(repo.path().join("environments/production-gcp")).unwrap();
    let (exit, doc) = repo.json(&["--base", "HEAD"]);
    assert_eq!(exit, 0, "{doc:#}");
    assert!(environment(&doc, "production-gcp")["acknowledged"].is_string());
}

#[test]
fn staged_changes_say_their_steps_and_are_warnings_in_sarif() {
    let repo = Repo::new("staged");
    repo.edit(
        "environments/production/cache.yaml",
        "  mode: replicated\n  replicas: 2\n",
        "  mode: cluster\n  shards: 3\n  replicas: 1\n",
    );
    let (exit, doc) = repo.json(&["--base", "HEAD"]);
    assert_eq!(exit, 0, "{doc:#}");
    let prod = environment(&doc, "production");
    let group = changes(prod)
        .iter()
        .find(|c| {
            c["resource"] == "aws_elasticache_replication_group.redis"
                && c["setting"] == "topology.mode"
        })
        .unwrap();
    assert_eq!(group["effect"], "staged");
    assert!(group["steps"].as_array().unwrap().len() >= 3, "{group:#}");
    let line = repo
        .read("environments/production/cache.yaml")
        .lines()
        .position(|l| l.contains("mode: cluster"))
        .unwrap()
        + 1;
    assert_eq!(group["location"]["line"], line);

    let o = repo.impact(&["--base", "HEAD", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let staged = results
        .iter()
        .find(|r| r["ruleId"] == cachegen::diagnostics::codes::IMPACT_STAGED)
        .unwrap();
    assert_eq!(staged["level"], "warning");
    assert_eq!(
        staged["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "environments/production/cache.yaml"
    );
    assert!(
        results.iter().all(|r| r["level"] != "error"),
        "nothing is replaced: {results:#?}"
    );
}

#[test]
fn sarif_replacements_in_production_are_errors_at_the_spec_line() {
    let repo = Repo::new("sarif");
    repo.edit(
        "environments/production/cache.yaml",
        "port: 6379",
        "port: 6380",
    );
    let o = repo.impact(&["--base", "HEAD", "--format", "sarif"]);
    assert_eq!(code(&o), 1);
    let log: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let replace = results
        .iter()
        .find(|r| r["ruleId"] == cachegen::diagnostics::codes::IMPACT_REPLACE)
        .unwrap();
    assert_eq!(replace["level"], "error");
    let region = &replace["locations"][0]["physicalLocation"]["region"];
    let line = repo
        .read("environments/production/cache.yaml")
        .lines()
        .position(|l| l.contains("port: 6380"))
        .unwrap()
        + 1;
    assert_eq!(region["startLine"], line);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(
        rules
            .iter()
            .any(|r| r["id"] == cachegen::diagnostics::codes::IMPACT_REPLACE)
    );
}

/// A secret never reaches a report: a spec cannot hold one (CG0020), but a committed
/// generated file can (a hand edit, a hostile pull request), and sensitive arguments are
/// masked whatever they hold.
#[test]
fn sensitive_values_are_masked_in_every_format() {
    let repo = Repo::new("secrets");
    repo.edit(
        "generated/production/terraform/aws/main.tf",
        "passwords = [data.aws_secretsmanager_secret_version.redis_password.secret_string]",
        "passwords = [\"literal-password-1234\"]",
    );
    repo.commit("a password pasted into the generated file");
    for format in ["human", "json", "markdown", "sarif"] {
        let o = repo.impact(&["--base", "HEAD", "--format", format]);
        let all = output_text(&o);
        assert!(
            !all.contains("literal-password"),
            "{format} shows a sensitive value:\n{all}"
        );
    }
    let (_, doc) = repo.json(&["--base", "HEAD"]);
    let prod = environment(&doc, "production");
    let user = changes(prod)
        .iter()
        .find(|c| c["resource"] == "aws_elasticache_user.default")
        .unwrap_or_else(|| panic!("{prod:#}"));
    assert_eq!(user["cause"], "generated_files");
    assert_eq!(user["effect"], "update");
    assert_eq!(user["old"], "(sensitive)", "{user:#}");
}

#[test]
fn the_default_base_is_the_merge_base_with_the_default_branch() {
    let repo = Repo::new("merge-base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.edit(
        "environments/production/cache.yaml",
        "node_type: cache.r7g.xlarge",
        "node_type: cache.r7g.2xlarge",
    );
    repo.commit("bigger nodes");
    // main moves on meanwhile; the feature branch is still judged against where it started.
    repo.git(&["checkout", "-q", "main"]);
    repo.edit(
        "environments/staging/cache.yaml",
        "max_memory: 4gb",
        "max_memory: 5gb",
    );
    repo.commit("unrelated");
    repo.git(&["checkout", "-q", "feature"]);
    let (exit, doc) = repo.json(&[]);
    assert_eq!(exit, 0, "{doc:#}");
    assert!(
        doc["base"]
            .as_str()
            .unwrap()
            .starts_with("main (merge base "),
        "{doc:#}"
    );
    let prod = environment(&doc, "production");
    assert_eq!(
        effect_of(prod, "aws", "aws_elasticache_replication_group.redis").as_deref(),
        Some("restart")
    );
    assert_eq!(environment(&doc, "staging")["status"], "unchanged");
}

#[test]
fn a_base_dir_is_read_like_a_revision() {
    let repo = Repo::new("base-dir");
    let base = TempDir::new("impact-base-dir-copy");
    copy_dir(repo.path(), base.path());
    repo.edit(
        "environments/production/cache.yaml",
        "version: \"7.1\"",
        "version: \"7.0\"",
    );
    let base_dir = base.path().to_str().unwrap();
    let (exit, doc) = repo.json(&["--base-dir", base_dir]);
    assert_eq!(exit, 1, "an engine downgrade replaces the group: {doc:#}");
    let prod = environment(&doc, "production");
    assert_eq!(
        effect_of(prod, "aws", "aws_elasticache_replication_group.redis").as_deref(),
        Some("replace")
    );
    let o = repo.impact(&["--base", "HEAD", "--base-dir", base_dir]);
    assert_eq!(code(&o), 2, "--base and --base-dir exclude each other");
}

#[test]
fn usage_and_io_problems_exit_2() {
    let repo = Repo::new("usage");
    for bad in ["--output=/tmp/x", "no-such-branch", ""] {
        let o = repo.impact(&[&format!("--base={bad}")]);
        assert_eq!(code(&o), 2, "{bad}: {}", output_text(&o));
    }
    let o = repo.impact(&["--base-dir", "/nonexistent/base"]);
    assert_eq!(code(&o), 2);
    let o = run_in(repo.path(), &["--format", "markdown", "validate"]);
    assert_eq!(code(&o), 2, "markdown is impact's format only");
    let o = repo.impact(&["--base", "no-such-branch", "--format", "markdown"]);
    assert_eq!(code(&o), 2);
    assert!(
        stdout(&o).contains(cachegen::impact::report::COMMENT_MARKER),
        "a failed run still gives the pull request a comment that says so"
    );
    let outside = TempDir::new("impact-not-git");
    copy_project(outside.path());
    let o = run_in(outside.path(), &["impact"]);
    assert_eq!(code(&o), 2, "{}", output_text(&o));
}

/// Every file of a pull request may be hostile, the base's too: a link in the base is never
/// followed (its target is never read or shown), an oversized file is not read, and a spec
/// with errors is reported as not judged rather than guessed at.
#[test]
fn a_hostile_base_is_read_without_following_links() {
    let repo = Repo::new("hostile");
    let secret = repo.path().join("outside-secret.txt");
    std::fs::write(&secret, "SECRET-OUTSIDE-THE-PROJECT\n").unwrap();
    // Links where cachegen reads: a spec, a generated file, the environments folder's child.
    std::fs::create_dir_all(repo.path().join("environments/linked")).unwrap();
    std::os::unix::fs::symlink(&secret, repo.path().join("environments/linked/cache.yaml"))
        .unwrap();
    std::fs::remove_file(repo.path().join("generated/staging/.env")).unwrap();
    std::os::unix::fs::symlink(
        "/proc/self/environ",
        repo.path().join("generated/staging/.env"),
    )
    .unwrap();
    // A generated file far over the size limit.
    let big = "# Generated by cachegen from environments/x/cache.yaml; do not edit.\n".to_string()
        + &"#".repeat(5 << 20);
    repo.write("generated/staging/big.conf", &big);
    repo.commit("hostile base");
    std::fs::remove_file(repo.path().join("environments/linked/cache.yaml")).unwrap();
    std::fs::remove_file(repo.path().join("generated/staging/.env")).unwrap();
    std::fs::remove_file(repo.path().join("generated/staging/big.conf")).unwrap();
    let o = run_in(repo.path(), &["render"]);
    assert_eq!(code(&o), 0, "{}", output_text(&o));
    for format in ["human", "json", "markdown", "sarif"] {
        let o = repo.impact(&["--base", "HEAD", "--format", format]);
        let all = output_text(&o);
        assert!(!all.contains("SECRET-OUTSIDE"), "{format}:\n{all}");
        assert!(
            !all.contains("PATH="),
            "{format}: the process environment:\n{all}"
        );
        assert!(
            all.contains("symbolic link in the base"),
            "{format}: the links are said:\n{all}"
        );
        assert!(code(&o) <= 1, "{format}: {all}");
    }
}

/// The CI example (what `cachegen init` writes) runs impact on pull requests with the base's
/// history, posts the Markdown as one comment found again by its marker, uploads the SARIF,
/// and fails the check with impact's exit code.
/// The workflow `cachegen init` writes runs `cachegen impact` on pull requests: with the base
/// branch's history, every action pinned, the comment posted or updated and the SARIF uploaded
/// (not from a fork), and the check failing as impact exits. Its shell steps run here in a
/// repository whose `origin/main` is the base; GitHub's API is a stand-in `gh` that answers
/// the comment listing through the real jq with the step's own filter, and records the call
/// that would post.
#[test]
fn the_ci_workflow_comments_and_uploads_the_impact() {
    let text =
        std::fs::read_to_string(root().join("examples/github-actions/cachegen.yml")).unwrap();
    let doc: Value = serde_saphyr::from_str(&text).unwrap();
    let job = &doc["jobs"]["impact"];
    assert_eq!(job["if"], "github.event_name == 'pull_request'");
    assert_eq!(job["permissions"]["pull-requests"], "write");
    assert_eq!(job["permissions"]["security-events"], "write");
    let steps = job["steps"].as_array().unwrap();
    for s in steps {
        if let Some(uses) = s["uses"].as_str() {
            let (_, rev) = uses.split_once('@').unwrap();
            assert!(
                rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()),
                "{uses}: pin actions by commit"
            );
        }
    }
    let named = |part: &str| {
        steps
            .iter()
            .find(|s| s["name"].as_str().is_some_and(|n| n.contains(part)))
            .unwrap_or_else(|| panic!("no step named `{part}` in {job:#}"))
    };
    let checkout = &steps[0];
    assert!(
        checkout["uses"]
            .as_str()
            .unwrap()
            .starts_with("actions/checkout@")
    );
    assert_eq!(checkout["with"]["fetch-depth"], 0);
    assert_eq!(checkout["with"]["persist-credentials"], false);
    let upload = named("code scanning");
    assert!(
        upload["uses"]
            .as_str()
            .unwrap()
            .starts_with("github/codeql-action/upload-sarif@")
    );
    assert_eq!(upload["with"]["sarif_file"], "cachegen-impact.sarif");
    assert_eq!(upload["with"]["category"], "cachegen-impact");
    let comment = named("comment");
    for s in [upload, comment] {
        assert_eq!(s["if"], "!github.event.pull_request.head.repo.fork");
    }
    let last = steps.last().unwrap();
    assert_eq!(last["run"], "exit \"$IMPACT_EXIT\"");
    assert_eq!(
        last["env"]["IMPACT_EXIT"],
        "${{ steps.impact.outputs.exit }}"
    );

    let Some(jq) = tool("jq") else {
        return;
    };
    let repo = Repo::new("ci");
    repo.git(&["update-ref", "refs/remotes/origin/main", "HEAD"]);
    repo.edit(
        "environments/production/cache.yaml",
        "environment: production\n",
        "environment: production\nname: orders-kv\n",
    );
    let work = TempDir::new("impact-ci-bin");
    let bin_dir = work.path().join("bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    // The stand-in for GitHub's CLI: the listing goes through jq with the step's filter.
    let gh = bin_dir.join("gh");
    std::fs::write(
        &gh,
        format!(
            r#"#!/bin/bash
set -euo pipefail
filter=""
body=""
prev=""
for a in "$@"; do
  [ "$prev" = "--jq" ] && filter="$a"
  case "$a" in body=@*) body="${{a#body=@}}" ;; esac
  prev="$a"
done
if [ -n "$filter" ]; then
  "{jq}" -r "$filter" "$GH_COMMENTS"
  exit 0
fi
printf '%s\n' "$*" >> "$GH_LOG"
cp "$body" "$GH_LOG.body"
"#,
            jq = jq.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&gh, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}:{}",
        bin_dir.display(),
        Path::new(bin()).parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let outputs = work.path().join("github-output");
    let log = work.path().join("gh-log");
    let comments = work.path().join("comments.json");
    let key = comment["env"]["KEY"].as_str().unwrap().to_string();
    assert_eq!(key, "<!-- cachegen-impact for . -->");
    let run = |step: &Value| {
        Command::new("bash")
            .args(["-e", "-c", step["run"].as_str().unwrap()])
            .current_dir(repo.path())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env_remove("CI")
            .env("GITHUB_BASE_REF", "main")
            .env("GITHUB_OUTPUT", &outputs)
            .env("GITHUB_STEP_SUMMARY", work.path().join("summary"))
            .env("GITHUB_REPOSITORY", "orders/infra")
            .env("PR", "7")
            .env("KEY", &key)
            .env("GH_COMMENTS", &comments)
            .env("GH_LOG", &log)
            .output()
            .unwrap()
    };
    let o = run(named("Change impact"));
    assert!(o.status.success(), "{}", output_text(&o));
    assert_eq!(
        std::fs::read_to_string(&outputs).unwrap(),
        "exit=1\n",
        "the rename replaces production unacknowledged"
    );
    // The last step turns that output into the job's failure.
    let gate = Command::new("bash")
        .args(["-e", "-c", last["run"].as_str().unwrap()])
        .env("IMPACT_EXIT", "1")
        .status()
        .unwrap();
    assert_eq!(gate.code(), Some(1), "the gate step fails the job");
    let md = repo.read("cachegen-impact.md");
    assert!(
        md.starts_with(cachegen::impact::report::COMMENT_MARKER),
        "{md}"
    );
    let sarif: Value = serde_json::from_str(&repo.read("cachegen-impact.sarif")).unwrap();
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());

    // No comment of ours yet (someone quoting the key does not count): one is created.
    let others = serde_json::json!([
        { "id": 5, "user": { "login": "someone" }, "body": format!("{key}\nquoted") }
    ]);
    std::fs::write(&comments, others.to_string()).unwrap();
    let o = run(comment);
    assert!(o.status.success(), "{}", output_text(&o));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "api --method POST repos/orders/infra/issues/7/comments -F body=@cachegen-impact-comment.md\n"
    );
    let posted = std::fs::read_to_string(log.with_extension("body")).unwrap();
    assert_eq!(posted, format!("{key}\n{md}"));
    // Ours exists: it is updated in place.
    std::fs::remove_file(&log).unwrap();
    let ours = serde_json::json!([
        { "id": 5, "user": { "login": "someone" }, "body": format!("{key}\nquoted") },
        { "id": 42, "user": { "login": "github-actions[bot]" }, "body": format!("{key}\nold") }
    ]);
    std::fs::write(&comments, ours.to_string()).unwrap();
    let o = run(comment);
    assert!(o.status.success(), "{}", output_text(&o));
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        "api --method PATCH repos/orders/infra/issues/comments/42 -F body=@cachegen-impact-comment.md\n"
    );
}

/// The codes `cachegen impact` reports are listed and described by `cachegen rules`, like
/// every other code, so that a reviewer who reads CG9001 in a SARIF result can look it up.
#[test]
fn rules_lists_and_describes_the_impact_codes() {
    let tmp = TempDir::new("impact-rules");
    copy_project(tmp.path());
    let o = run_in(tmp.path(), &["rules"]);
    assert_eq!(code(&o), 0, "{}", output_text(&o));
    for c in cachegen::diagnostics::codes::IMPACT {
        assert!(stdout(&o).contains(c.code), "{} not listed", c.code);
    }
    let o = run_in(
        tmp.path(),
        &["rules", cachegen::diagnostics::codes::IMPACT_REPLACE],
    );
    assert_eq!(code(&o), 0, "{}", output_text(&o));
    assert!(stdout(&o).contains("cachegen impact"), "{}", stdout(&o));
    assert!(
        stdout(&o).contains("policy.accept_replacement"),
        "{}",
        stdout(&o)
    );
}
