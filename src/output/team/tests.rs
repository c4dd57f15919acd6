use super::*;
use std::fs;

/// A fresh folder under the system's temporary folder, removed at the end.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str) -> Scratch {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let p = std::env::temp_dir().join(format!(
            "cachegen-team-{tag}-{}-{nanos}",
            std::process::id()
        ));
        fs::create_dir_all(&p).unwrap();
        Scratch(p)
    }

    fn root(&self) -> Root {
        Root::open(&self.0).unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn generated(source: &str) -> String {
    format!("{HEADER}{source}; do not edit.\nport 6379\n")
}

#[test]
fn only_a_first_line_header_makes_a_file_generated() {
    let cases = [
        (generated("env/cache.yaml"), true),
        (format!("#!/bin/sh\n{}", generated("env/cache.yaml")), true),
        (format!("{{\"note\": \"{HEADER}x\"}}\n"), false),
        (format!("see:\n{}", generated("x")), false),
        (String::new(), false),
    ];
    for (text, expect) in cases {
        assert_eq!(header_in(text.as_bytes()), expect, "{text}");
    }
}

/// Only a file with the header at a path cachegen may generate is cachegen's: a copy under
/// another name is the team's, and so is a header-less file at a generated path.
#[test]
fn ownership_needs_the_header_and_a_generated_path() {
    let s = Scratch::new("owned");
    write(&s.0.join(".env"), &generated("a"));
    write(&s.0.join(".env.local"), &generated("a"));
    write(&s.0.join("terraform/aws/main.tf.orig"), &generated("a"));
    write(&s.0.join("redis-12.conf"), &generated("a"));
    write(&s.0.join("redis.conf"), "port 1\n");
    let root = s.root();
    let owned = |rel: &str| is_owned(&root, Path::new(rel), Kind::File);
    assert!(owned(".env"));
    assert!(owned("redis-12.conf"));
    assert!(!owned(".env.local"));
    assert!(!owned("terraform/aws/main.tf.orig"));
    assert!(!owned("redis.conf"));
}

#[test]
fn carry_over_links_team_files_and_keeps_folder_permissions() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let s = Scratch::new("carry");
    let (current, new) = (s.0.join("env"), s.0.join("new"));
    write(&current.join("redis.conf"), &generated("a"));
    write(&current.join("docker-compose.yml"), &generated("a"));
    write(&current.join("notes.conf"), &generated("a"));
    write(&current.join("tls/redis.key"), "key\n");
    write(&current.join("terraform/aws/main.tf"), &generated("a"));
    fs::create_dir_all(current.join("empty/sub")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/target", current.join("team-link")).unwrap();
    fs::set_permissions(current.join("tls"), fs::Permissions::from_mode(0o700)).unwrap();
    fs::create_dir(&new).unwrap();
    let files = [OutFile {
        path: "redis.conf".into(),
        contents: generated("b"),
    }];
    write(&new.join("redis.conf"), &files[0].contents);
    let root = s.root();
    let cur = root.folder(Path::new("env"), false).unwrap();
    let dest = root.folder(Path::new("new"), false).unwrap();

    carry_over(Some(&cur), &dest, &files).unwrap();
    let ino = |p: &Path| fs::symlink_metadata(p).unwrap().ino();
    assert_eq!(
        ino(&new.join("tls/redis.key")),
        ino(&current.join("tls/redis.key"))
    );
    assert_eq!(ino(&new.join("team-link")), ino(&current.join("team-link")));
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&new.join("tls")), 0o700);
    assert!(
        new.join("empty/sub").is_dir(),
        "empty folders are the team's too"
    );
    assert!(
        !new.join("docker-compose.yml").exists(),
        "a stale generated file is dropped"
    );
    assert!(
        !new.join("terraform").exists(),
        "a folder of stale generated files is dropped"
    );
    assert!(
        new.join("notes.conf").exists(),
        "a header at a path cachegen never generates is the team's"
    );
    assert_eq!(
        fs::read_to_string(new.join("redis.conf")).unwrap(),
        generated("b")
    );
}

/// A header-less file, a link or a folder where cachegen now generates a file is not replaced:
/// the render refuses, naming it.
#[test]
fn carry_over_refuses_what_is_not_cachegens_at_a_generated_path() {
    let s = Scratch::new("foreign");
    let files = [
        OutFile {
            path: ".env".into(),
            contents: generated("b"),
        },
        OutFile {
            path: "terraform/aws/main.tf".into(),
            contents: generated("b"),
        },
    ];
    type Make = fn(&Path);
    let cases: [(&str, Make); 4] = [
        ("header-less", |env| write(&env.join(".env"), "MINE=1\n")),
        ("link", |env| {
            std::os::unix::fs::symlink("/proc/self/environ", env.join(".env")).unwrap()
        }),
        ("folder", |env| {
            fs::create_dir_all(env.join(".env")).unwrap()
        }),
        ("linked folder", |env| {
            std::os::unix::fs::symlink("/etc", env.join("terraform")).unwrap()
        }),
    ];
    for (what, make) in cases {
        let env = s.0.join(what);
        fs::create_dir_all(&env).unwrap();
        make(&env);
        let root = s.root();
        let cur = root.folder(Path::new(what), false).unwrap();
        let new = root
            .folder(Path::new(&format!("new-{what}")), true)
            .unwrap();
        let e = carry_over(Some(&cur), &new, &files).unwrap_err();
        assert!(matches!(e, Refusal::Foreign { .. }), "{what}: {e:?}");
    }
}

#[test]
fn carry_over_refuses_only_while_terraform_holds_its_lock() {
    let s = Scratch::new("lock");
    let tf = s.0.join("env/terraform/aws");
    write(&tf.join(".terraform.tfstate.lock.info"), "{}\n");
    write(&tf.join("terraform.tfstate"), "{}\n");
    fs::create_dir(s.0.join("new")).unwrap();
    let root = s.root();
    let cur = root.folder(Path::new("env"), false).unwrap();
    let new = root.folder(Path::new("new"), false).unwrap();
    // A committed lock-info file that no process holds a lock for is only a file.
    carry_over(Some(&cur), &new, &[]).unwrap();
    assert!(
        s.0.join("new/terraform/aws/.terraform.tfstate.lock.info")
            .exists()
    );

    let child = std::process::Command::new("python3")
        .arg("-c")
        .arg("import fcntl,sys,time\nf=open(sys.argv[1],'r+')\nfcntl.lockf(f,fcntl.LOCK_EX)\nprint('locked',flush=True)\ntime.sleep(30)\n")
        .arg(tf.join("terraform.tfstate"))
        .stdout(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        assert!(
            std::env::var("CI").is_err(),
            "python3 is required under CI (it holds the lock)"
        );
        eprintln!("SKIPPED: python3 is not available to hold a lock");
        return;
    };
    let mut line = String::new();
    use std::io::BufRead;
    std::io::BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let new2 = root.folder(Path::new("new2"), true).unwrap();
    let result = carry_over(Some(&cur), &new2, &[]);
    let _ = child.kill();
    let _ = child.wait();
    let e = result.unwrap_err();
    assert!(matches!(e, Refusal::Busy { .. }), "{e:?}");
    assert!(
        e.message().contains(".terraform.tfstate.lock.info"),
        "{}",
        e.message()
    );
}

/// Between the links and the swap the team may write: a new file, or one replaced by a
/// rename (a new inode). Both reach the new folder; generated files do not. A team file at a
/// path where the new folder holds cachegen's file cannot be placed: the old folder is kept.
#[test]
fn retire_moves_what_the_team_wrote_meanwhile_and_loses_nothing() {
    let s = Scratch::new("retire");
    let (old, current) = (s.0.join("old"), s.0.join("current"));
    write(&old.join("terraform.tfstate"), "linked\n");
    fs::create_dir_all(&current).unwrap();
    fs::hard_link(
        old.join("terraform.tfstate"),
        current.join("terraform.tfstate"),
    )
    .unwrap();
    write(&current.join("terraform.tfvars"), "old values\n");
    std::thread::sleep(std::time::Duration::from_millis(20));
    write(&old.join("terraform.tfvars"), "replaced meanwhile\n");
    write(&old.join(".terraform/providers/p"), "created meanwhile\n");
    fs::create_dir_all(old.join("made-meanwhile")).unwrap();
    write(&old.join("main.tf.orig"), &generated("old"));
    write(&old.join("terraform/aws/main.tf"), &generated("old"));
    write(&current.join("terraform/aws/main.tf"), &generated("new"));

    let root = s.root();
    assert_eq!(
        retire(&root, Path::new("old"), Path::new("current"), false).unwrap(),
        None
    );
    assert!(!old.exists());
    let read = |rel: &str| fs::read_to_string(current.join(rel)).unwrap();
    assert_eq!(read("terraform.tfstate"), "linked\n");
    assert_eq!(read("terraform.tfvars"), "replaced meanwhile\n");
    assert_eq!(read(".terraform/providers/p"), "created meanwhile\n");
    assert_eq!(
        read("main.tf.orig"),
        generated("old"),
        "a copy is the team's"
    );
    assert_eq!(read("terraform/aws/main.tf"), generated("new"));
    assert!(current.join("made-meanwhile").is_dir());

    // The team's file at a path the new folder generates: kept, with the old folder.
    write(&old.join("create-cluster.sh"), "the team's\n");
    write(&current.join("create-cluster.sh"), &generated("new"));
    let kept = retire(&root, Path::new("old"), Path::new("current"), false)
        .unwrap()
        .expect("kept");
    assert_eq!(kept.files, [PathBuf::from("create-cluster.sh")]);
    assert_eq!(
        fs::read_to_string(old.join("create-cluster.sh")).unwrap(),
        "the team's\n"
    );
}
