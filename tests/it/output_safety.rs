//! The output folder survives everything a render can meet: an `--out` that is a file, a
//! read-only folder, a read-only or full file system (exit 2 with a clear message, the previous
//! output intact byte for byte), two renders at once (the last one wins whole), and SIGKILL at
//! any point (each environment's folder is entirely old or entirely new, and the next render
//! cleans up).

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A spec of `env` whose output depends on `version` (values in every file).
fn spec(env: &str, version: u32) -> String {
    format!(
        "spec_version: 1\nname: safety\nenvironment: {env}\ntier: development\n\
         memory: {{ max_memory: {}mb }}\nnetwork: {{ port: {} }}\n\
         security: {{ auth: {{ password: {{ env: REDIS_PASSWORD_V{version} }} }} }}\n\
         targets: {{ compose: {{ container_name: safety-{env}-v{version} }} }}\n",
        256 * version,
        6379 + version
    )
}

/// A project in `dir` with the given environments at `version`.
fn write_specs(dir: &Path, envs: &[&str], version: u32) {
    std::fs::write(dir.join("cachegen.toml"), "").unwrap();
    for env in envs {
        let d = dir.join("environments").join(env);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("cache.yaml"), spec(env, version)).unwrap();
    }
}

fn render(dir: &Path, out: &Path) -> std::process::Output {
    run_in(dir, &["render", "--out", out.to_str().unwrap()])
}

/// What a render of `envs` at `version` writes, per environment.
fn reference(envs: &[&str], version: u32) -> BTreeMap<String, BTreeMap<String, Vec<u8>>> {
    let tmp = TempDir::new("safety-ref");
    write_specs(tmp.path(), envs, version);
    let out = tmp.path().join("out");
    let o = render(tmp.path(), &out);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    envs.iter()
        .map(|e| (e.to_string(), file_tree(&out.join(e))))
        .collect()
}

fn temporaries(out: &Path) -> Vec<String> {
    std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".cachegen-tmp-"))
        .collect()
}

#[test]
fn out_that_is_a_file_is_an_io_error_and_stays_untouched() {
    let tmp = TempDir::new("safety-file");
    write_specs(tmp.path(), &["alpha"], 1);
    let out = tmp.path().join("out");
    std::fs::write(&out, "not a folder\n").unwrap();
    let o = render(tmp.path(), &out);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a folder"), "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).unwrap(), b"not a folder\n");

    // A file where an environment's folder belongs is not swapped away either.
    let out = tmp.path().join("out2");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("alpha"), "mine\n").unwrap();
    let o = render(tmp.path(), &out);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("not a folder"), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("alpha")).unwrap(), b"mine\n");
    assert!(temporaries(&out).is_empty());
}

/// Makes a folder read-only for the test, in a way that holds even for root, and undoes it.
struct ReadOnly {
    dir: std::path::PathBuf,
    how: &'static str,
}

impl ReadOnly {
    fn make(dir: &Path) -> Option<ReadOnly> {
        use std::os::unix::fs::PermissionsExt;
        if !is_root() {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
            return Some(ReadOnly {
                dir: dir.into(),
                how: "chmod",
            });
        }
        // Root ignores permission bits; the immutable attribute stops even root.
        let ok = which("chattr").is_some()
            && Command::new("chattr")
                .arg("+i")
                .arg(dir)
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        ok.then(|| ReadOnly {
            dir: dir.into(),
            how: "chattr",
        })
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        if self.how == "chattr" {
            let _ = Command::new("chattr").arg("-i").arg(&self.dir).status();
        } else {
            let _ = std::fs::set_permissions(&self.dir, std::fs::Permissions::from_mode(0o755));
        }
    }
}

#[test]
fn read_only_output_folder_is_an_io_error_and_keeps_the_old_output() {
    let tmp = TempDir::new("safety-ro");
    write_specs(tmp.path(), &["alpha"], 1);
    let out = tmp.path().join("out");
    assert_eq!(code(&render(tmp.path(), &out)), 0);
    let before = file_tree(&out.join("alpha"));
    write_specs(tmp.path(), &["alpha"], 2);
    let Some(guard) = ReadOnly::make(&out) else {
        skip_or_fail(
            "running as root on a file system without `chattr +i`: no way to make a folder read-only for root",
        );
        return;
    };
    let o = render(tmp.path(), &out);
    let how = guard.how;
    drop(guard);
    assert_eq!(code(&o), 2, "read-only by {how}: {}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot write") && stderr(&o).contains("unchanged"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        file_tree(&out.join("alpha")),
        before,
        "the old output changed"
    );
    assert!(temporaries(&out).is_empty());
}

/// A full disk and a read-only file system, on a small tmpfs mounted in a mount namespace of
/// its own (`unshare`: as root, or in a user namespace otherwise).
#[test]
fn full_or_read_only_file_system_is_an_io_error_and_keeps_the_old_output() {
    let Some(unshare) = which("unshare") else {
        skip_or_fail("`unshare` (util-linux) is needed to mount a small tmpfs");
        return;
    };
    let tmp = TempDir::new("safety-fs");
    let p = tmp.path();
    write_specs(p, &["alpha"], 1);
    std::fs::write(p.join("new.yaml"), spec("alpha", 2)).unwrap();
    let old_spec = p.join("environments/alpha/cache.yaml");
    let mnt = p.join("mnt");
    let snap = p.join("snap");
    std::fs::create_dir(&mnt).unwrap();
    let script = r#"
set -u
mount -t tmpfs -o size=256k tmpfs "$MNT" || exit 90
"$BIN" render "$OLD" --out "$MNT/out" 2>/dev/null || exit 91
cp -a "$MNT/out/alpha" "$SNAP"
dd if=/dev/zero of="$MNT/fill" bs=4096 2>/dev/null
"$BIN" render "$NEW" --out "$MNT/out" 2>"$WORK/full.err"; echo $? > "$WORK/full.rc"
diff -r "$SNAP" "$MNT/out/alpha" >/dev/null && echo same > "$WORK/full.same"
ls -A "$MNT/out" > "$WORK/full.ls"
rm -f "$MNT/fill"
mount -o remount,ro "$MNT" || exit 92
"$BIN" render "$NEW" --out "$MNT/out" 2>"$WORK/ro.err"; echo $? > "$WORK/ro.rc"
diff -r "$SNAP" "$MNT/out/alpha" >/dev/null && echo same > "$WORK/ro.same"
exit 0
"#;
    let mut cmd = Command::new(unshare);
    if is_root() {
        cmd.arg("--mount");
    } else {
        cmd.args(["--user", "--map-root-user", "--mount"]);
    }
    let o = cmd
        .args(["sh", "-c", script])
        .env("MNT", &mnt)
        .env("BIN", bin())
        .env("OLD", &old_spec)
        .env("NEW", p.join("new.yaml"))
        .env("SNAP", &snap)
        .env("WORK", p)
        .current_dir(p)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    match o.status.code() {
        Some(0) => {}
        Some(90) | Some(1) => {
            skip_or_fail(&format!(
                "cannot mount a tmpfs in a new mount namespace here: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            ));
            return;
        }
        other => panic!(
            "setup failed ({other:?}): {}",
            String::from_utf8_lossy(&o.stderr)
        ),
    }
    let read = |f: &str| std::fs::read_to_string(p.join(f)).unwrap_or_default();
    for (case, says) in [("full", "No space left"), ("ro", "Read-only file system")] {
        assert_eq!(
            read(&format!("{case}.rc")).trim(),
            "2",
            "{case}: {}",
            read(&format!("{case}.err"))
        );
        let err = read(&format!("{case}.err"));
        assert!(
            err.contains("cannot write") && err.contains(says),
            "{case}: {err}"
        );
        assert!(err.contains("unchanged"), "{case}: {err}");
        assert_eq!(
            read(&format!("{case}.same")).trim(),
            "same",
            "{case}: the old output changed"
        );
    }
    // The failed render left no temporary folder behind on the full disk.
    assert_eq!(read("full.ls").trim(), "alpha", "{}", read("full.ls"));
}

#[test]
fn concurrent_renders_leave_one_whole_result() {
    let envs = ["alpha", "beta"];
    let (old, new) = (reference(&envs, 1), reference(&envs, 2));
    assert_ne!(old, new);
    let a = TempDir::new("safety-conc-a");
    let b = TempDir::new("safety-conc-b");
    write_specs(a.path(), &envs, 1);
    write_specs(b.path(), &envs, 2);
    let out_dir = TempDir::new("safety-conc-out");
    let out = out_dir.path().join("generated");
    for round in 0..15 {
        let spawn = |dir: &Path| {
            Command::new(bin())
                .args(["--quiet", "render", "--out", out.to_str().unwrap()])
                .current_dir(dir)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (ca, cb) = (spawn(a.path()), spawn(b.path()));
        let (oa, ob) = (
            ca.wait_with_output().unwrap(),
            cb.wait_with_output().unwrap(),
        );
        assert!(
            oa.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&oa.stderr)
        );
        assert!(
            ob.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&ob.stderr)
        );
        for env in envs {
            let got = file_tree(&out.join(env));
            assert!(
                got == old[env] || got == new[env],
                "round {round}: {env} is a mix of two renders: {:?}",
                got.keys().collect::<Vec<_>>()
            );
        }
        assert!(
            temporaries(&out).is_empty(),
            "round {round}: {:?}",
            temporaries(&out)
        );
    }
}

/// A small deterministic generator for kill points (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

#[test]
fn sigkill_at_any_point_leaves_each_environment_old_or_new() {
    let envs = ["alpha", "beta", "gamma"];
    let refs = [reference(&envs, 1), reference(&envs, 2)];
    let tmp = TempDir::new("safety-kill");
    let p = tmp.path();
    write_specs(p, &envs, 1);
    let out = p.join("generated");
    assert_eq!(code(&render(p, &out)), 0);

    // How long a whole render takes here (the fastest of a few, since the machine may be
    // busy with other tests), and how long before it starts writing (a validate does
    // everything but the writing): kill points are spread over the writing, and a few before it.
    // Each calibration render changes every environment (versions alternate, ending on 2 so
    // that the first round changes them again), so that it
    // writes: an up-to-date render writes nothing and would aim every kill before the writing.
    let mut full = u64::MAX;
    let mut validate = u64::MAX;
    for i in 0..6 {
        write_specs(p, &envs, 1 + (i % 2) as u32);
        let start = Instant::now();
        assert_eq!(code(&render(p, &out)), 0);
        full = full.min(start.elapsed().as_micros() as u64);
        let start = Instant::now();
        assert_eq!(code(&run_in(p, &["validate"])), 0);
        validate = validate.min(start.elapsed().as_micros() as u64);
    }
    let before_writes = validate.min(full) * 3 / 4;
    let seed = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut rng = Rng(seed);
    let rounds = 60;
    let (mut killed, mut finished, mut mixed_runs, mut mid_write) = (0, 0, 0, 0);
    // A file of the team's (Terraform state) in one folder: every kill leaves it whole.
    let state = out.join("alpha/terraform.tfstate");
    std::fs::write(&state, "{\"serial\": 7}\n").unwrap();
    // Kill points adapt to the machine's load (other tests run at the same time): a kill
    // that left the old output and no temporary was too early, one that left the new output
    // and no temporary too late, so the range narrows onto the writing.
    let (mut lo, mut hi) = (before_writes, full + full / 10);
    // The calibration ended on version 2 (reference index 1).
    let mut on_disk = 1;
    for round in 0..rounds {
        // Always the version that is not on disk, so that every round has files to write
        // (a killed round leaves the disk as it was).
        let version = 2 - on_disk as u32;
        write_specs(p, &envs, version);
        let before: Vec<String> = temporaries(&out);
        let delay_us = lo + rng.below(hi.saturating_sub(lo).max(1));
        let delay = Duration::from_micros(delay_us);
        let mut child = Command::new(bin())
            .args(["--quiet", "render", "--out", out.to_str().unwrap()])
            .current_dir(p)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            finished += 1;
        } else {
            killed += 1;
        }
        // New temporaries left behind: this kill landed while the render was writing.
        let writing = temporaries(&out).iter().any(|t| !before.contains(t));
        assert_eq!(
            std::fs::read_to_string(&state).ok().as_deref(),
            Some("{\"serial\": 7}\n"),
            "round {round} (seed {seed}, killed after {delay:?}): the team's file was lost"
        );
        let mut states = Vec::new();
        for env in envs {
            let mut got = file_tree(&out.join(env));
            got.remove("terraform.tfstate");
            let state = refs.iter().position(|r| r[env] == got);
            assert!(
                state.is_some(),
                "round {round} (seed {seed}, killed after {delay:?}): {env} is neither the old nor the new output: {:?}",
                got.keys().collect::<Vec<_>>()
            );
            states.push(state);
        }
        let new_version = Some(version as usize - 1);
        on_disk = states[0].unwrap_or(on_disk);
        if !writing && states.iter().all(|s| *s != new_version) {
            lo = delay_us; // too early: nothing was written yet
        } else if !writing && states.iter().all(|s| *s == new_version) {
            hi = delay_us; // too late: everything was written
        }
        if lo + 200 >= hi {
            // The window moved (the load changed): widen again around it.
            lo = lo.saturating_sub(full / 2);
            hi = hi.max(lo + full / 2) + full / 2;
        }
        let mixed = states.windows(2).any(|w| w[0] != w[1]);
        // Temporaries left, or environments at different versions: killed mid-write.
        if writing || mixed {
            mid_write += 1;
        }
        if mixed {
            mixed_runs += 1;
        }
    }
    eprintln!(
        "sigkill: {killed} renders killed, {mid_write} of them while writing, {finished} finished, {mixed_runs} left environments at different versions (seed {seed})"
    );
    assert!(
        killed >= rounds / 4,
        "too few renders were actually interrupted: {killed}"
    );
    assert!(
        mid_write >= 1,
        "no kill landed while files were being written ({killed} killed): the test proves nothing"
    );

    // The next render succeeds, and cleans the temporary folders the killed ones left.
    write_specs(p, &envs, 2);
    let o = render(p, &out);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    for env in envs {
        let mut got = file_tree(&out.join(env));
        got.remove("terraform.tfstate");
        assert_eq!(got, refs[1][env]);
    }
    assert!(state.exists());
    assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));
}

/// `terraform init` and `apply` run in the generated folder, and compose's TLS keys sit in
/// it: a render that changes the environment keeps every file without cachegen's header (the
/// same inode, not a copy), and `--check` does not report them.
#[test]
fn the_teams_files_survive_a_render_and_check_ignores_them() {
    let tmp = TempDir::new("team-files");
    copy_project(tmp.path());
    assert_eq!(code(&run_in(tmp.path(), &["render", "-q"])), 0);
    let aws = tmp.path().join("generated/production/terraform/aws");
    let team = [
        aws.join("terraform.tfstate"),
        aws.join("terraform.tfvars"),
        aws.join(".terraform.lock.hcl"),
        aws.join(".terraform/providers/registry.terraform.io/hashicorp/aws/provider"),
        tmp.path().join("generated/staging/tls/redis.key"),
    ];
    for (i, f) in team.iter().enumerate() {
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, format!("team file {i}\n")).unwrap();
    }
    std::os::unix::fs::symlink("terraform.tfvars", aws.join("prod.auto.tfvars")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    let tls = tmp.path().join("generated/staging/tls");
    std::fs::set_permissions(&tls, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::create_dir_all(aws.join("plans")).unwrap();
    let inode = |p: &std::path::Path| {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(p).unwrap().ino()
    };
    let before: Vec<u64> = team.iter().map(|f| inode(f)).collect();

    let o = run_in(tmp.path(), &["render", "--check"]);
    assert_eq!(code(&o), 0, "team files are not drift: {}", stdout(&o));

    // Change both environments so that their folders are swapped.
    for (env, from, to) in [
        ("production", "retention_days: 7", "retention_days: 8"),
        ("staging", "max_memory: 4gb", "max_memory: 5gb"),
    ] {
        let spec = tmp.path().join(format!("environments/{env}/cache.yaml"));
        let text = std::fs::read_to_string(&spec).unwrap();
        assert!(text.contains(from), "{env}: {from}");
        std::fs::write(&spec, text.replace(from, to)).unwrap();
    }
    // While Terraform holds its local state lock there (a process holds the lock on the
    // state file, and its lock-info file says so), the folder is not swapped.
    let lock = aws.join(".terraform.tfstate.lock.info");
    std::fs::write(&lock, "{}\n").unwrap();
    if let Some(terraform) = LockHolder::hold(&aws.join("terraform.tfstate")) {
        let main_before = std::fs::read(aws.join("main.tf")).unwrap();
        let o = run_in(tmp.path(), &["render"]);
        drop(terraform);
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        assert!(
            stderr(&o).contains("holds its state lock"),
            "{}",
            stderr(&o)
        );
        assert_eq!(std::fs::read(aws.join("main.tf")).unwrap(), main_before);
    }
    std::fs::remove_file(&lock).unwrap();

    let o = run_in(tmp.path(), &["render"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        std::fs::metadata(&tls).unwrap().permissions().mode() & 0o777,
        0o700,
        "the TLS folder keeps its permissions"
    );
    assert!(
        aws.join("plans").is_dir(),
        "an empty folder of the team's stays"
    );
    assert!(
        std::fs::read_to_string(aws.join("main.tf"))
            .unwrap()
            .lines()
            .any(|l| l.trim().starts_with("snapshot_retention_limit") && l.ends_with("= 8")),
        "the production folder was rewritten"
    );
    for (i, f) in team.iter().enumerate() {
        assert_eq!(
            std::fs::read_to_string(f).unwrap(),
            format!("team file {i}\n"),
            "{}",
            f.display()
        );
        assert_eq!(inode(f), before[i], "{} is the same file", f.display());
    }
    assert_eq!(
        std::fs::read_link(aws.join("prod.auto.tfvars")).unwrap(),
        std::path::PathBuf::from("terraform.tfvars")
    );
    let o = run_in(tmp.path(), &["render", "--check"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

/// The folder of an environment whose spec was removed may hold its Terraform state: render
/// leaves it and warns, `render --check` fails on it; a folder cachegen never wrote is
/// neither reported nor touched.
#[test]
fn a_removed_environments_folder_is_reported_not_deleted() {
    let tmp = TempDir::new("orphan");
    copy_project(tmp.path());
    assert_eq!(code(&run_in(tmp.path(), &["render", "-q"])), 0);
    std::fs::create_dir_all(tmp.path().join("generated/docs")).unwrap();
    std::fs::write(tmp.path().join("generated/docs/README.md"), "ours\n").unwrap();
    std::fs::remove_dir_all(tmp.path().join("environments/production-gcp")).unwrap();

    let o = run_in(tmp.path(), &["render", "--check"]);
    assert_eq!(code(&o), 1, "{}{}", stdout(&o), stderr(&o));
    assert!(
        stdout(&o).contains("extra: generated/production-gcp/"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains("docs"), "{}", stdout(&o));
    // Rendering again would not remove it: the help says to delete it.
    assert!(
        stderr(&o).contains("delete the folder") && !stderr(&o).contains("run `cachegen render`"),
        "{}",
        stderr(&o)
    );
    // With a spec named, only that spec's folder is checked.
    let o = run_in(
        tmp.path(),
        &["render", "--check", "environments/staging/cache.yaml"],
    );
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));

    let o = run_in(tmp.path(), &["render"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("warning[CG0051]"), "{}", stderr(&o));
    // The summary, printed last, counts that warning.
    assert!(
        stderr(&o)
            .trim_end()
            .ends_with("0 errors, 1 warning in 4 specs"),
        "{}",
        stderr(&o)
    );
    assert!(tmp.path().join("generated/production-gcp/.env").exists());
    assert!(tmp.path().join("generated/docs/README.md").exists());

    std::fs::remove_dir_all(tmp.path().join("generated/production-gcp")).unwrap();
    let o = run_in(tmp.path(), &["render", "--check"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
}

/// A team's `backend.tf` (Terraform state in an encrypted remote backend, as the docs show)
/// lives in the generated folder: render keeps it, --check ignores it, and it stays through
/// a change of the spec.
#[test]
fn a_hand_written_backend_tf_survives_render_and_check() {
    let tmp = TempDir::new("backend-tf");
    copy_project(tmp.path());
    assert_eq!(code(&run_in(tmp.path(), &["render", "-q"])), 0);
    let backend = tmp
        .path()
        .join("generated/production/terraform/aws/backend.tf");
    let text = "terraform {\n  backend \"s3\" {\n    bucket       = \"hospitality-terraform-state\"\n    key          = \"redis/production.tfstate\"\n    region       = \"us-east-1\"\n    encrypt      = true\n    use_lockfile = true\n  }\n}\n";
    std::fs::write(&backend, text).unwrap();
    let o = run_in(tmp.path(), &["render", "--check"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let spec = tmp.path().join("environments/production/cache.yaml");
    let s = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        s.replace("eviction_samples: 5", "eviction_samples: 7"),
    )
    .unwrap();
    assert_eq!(code(&run_in(tmp.path(), &["render", "-q"])), 0);
    assert_eq!(std::fs::read_to_string(&backend).unwrap(), text);
    let main = std::fs::read_to_string(backend.with_file_name("main.tf")).unwrap();
    assert!(
        main.contains("Generated by cachegen"),
        "the rest is rendered anew"
    );
    assert_eq!(code(&run_in(tmp.path(), &["render", "--check"])), 0);
}
