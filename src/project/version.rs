//! `required_version` in cachegen.toml: which cachegen versions a project accepts, written as
//! Cargo writes a version requirement (`=0.1.0`, `~0.1`, `>= 0.1, < 0.3`, `0.1`, which means
//! `^0.1`). Two cachegen versions may render different bytes from one spec, so a project pins
//! the version its committed output comes from, and a different one refuses to run.

use std::fmt;

/// A `major.minor.patch` version (pre-release and build suffixes are not taken).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
}

impl Version {
    pub fn parse(s: &str) -> Result<Version, String> {
        let v = Partial::parse(s.trim())?;
        match (v.minor, v.patch) {
            (Some(minor), Some(patch)) => Ok(Version {
                major: v.major,
                minor,
                patch,
            }),
            _ => Err(format!("`{s}` is not a full version (major.minor.patch)")),
        }
    }

    /// The version of this binary.
    pub fn current() -> Version {
        Version::parse(env!("CARGO_PKG_VERSION")).expect("Cargo.toml holds a version")
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// A version with its minor and patch possibly left out (`0.1`, `1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Partial {
    major: u64,
    minor: Option<u64>,
    patch: Option<u64>,
}

impl Partial {
    fn parse(s: &str) -> Result<Partial, String> {
        if s.contains(['-', '+']) {
            return Err(format!(
                "`{s}`: pre-release and build suffixes are not taken; write `major.minor.patch`"
            ));
        }
        let parts: Vec<&str> = s.split('.').collect();
        if parts.is_empty() || parts.len() > 3 {
            return Err(format!("`{s}` is not a version (major.minor.patch)"));
        }
        let mut nums = Vec::new();
        for p in &parts {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) || p.len() > 18 {
                return Err(format!("`{s}` is not a version (major.minor.patch)"));
            }
            nums.push(p.parse::<u64>().map_err(|e| format!("`{s}`: {e}"))?);
        }
        Ok(Partial {
            major: nums[0],
            minor: nums.get(1).copied(),
            patch: nums.get(2).copied(),
        })
    }

    fn floor(self) -> Version {
        Version {
            major: self.major,
            minor: self.minor.unwrap_or(0),
            patch: self.patch.unwrap_or(0),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    Exact,
    Greater,
    GreaterEq,
    Less,
    LessEq,
    Tilde,
    Caret,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Comparator {
    op: Op,
    version: Partial,
}

impl Comparator {
    fn matches(&self, v: Version) -> bool {
        let p = self.version;
        let floor = p.floor();
        // `=0.1` means any 0.1.x, as in Cargo.
        let same_prefix = v.major == p.major
            && p.minor.is_none_or(|m| v.minor == m)
            && p.patch.is_none_or(|x| v.patch == x);
        match self.op {
            Op::Exact => same_prefix,
            Op::Greater => !same_prefix && v > floor,
            Op::GreaterEq => v >= floor,
            Op::Less => !same_prefix && v < floor,
            Op::LessEq => v <= floor || same_prefix,
            Op::Tilde => {
                v >= floor && v.major == p.major && (p.minor.is_none() || v.minor == floor.minor)
            }
            Op::Caret => {
                if v < floor {
                    return false;
                }
                // The leftmost non-zero part written may not change.
                match (p.major, p.minor, p.patch) {
                    (0, Some(0), Some(_)) => v.major == 0 && v.minor == 0 && v.patch == floor.patch,
                    (0, Some(m), _) => v.major == 0 && v.minor == m,
                    (0, None, _) => v.major == 0,
                    (major, _, _) => v.major == major,
                }
            }
        }
    }
}

/// A version requirement: every comparator must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    text: String,
    comparators: Vec<Comparator>,
}

impl Requirement {
    pub fn parse(text: &str) -> Result<Requirement, String> {
        let mut comparators = Vec::new();
        for part in text.split(',') {
            let part = part.trim();
            let (op, rest) = [
                (">=", Op::GreaterEq),
                ("<=", Op::LessEq),
                (">", Op::Greater),
                ("<", Op::Less),
                ("=", Op::Exact),
                ("~", Op::Tilde),
                ("^", Op::Caret),
            ]
            .iter()
            .find_map(|(s, op)| part.strip_prefix(s).map(|r| (*op, r)))
            .unwrap_or((Op::Caret, part));
            let rest = rest.trim();
            if rest.is_empty() {
                return Err(format!(
                    "`{text}` is not a version requirement: write e.g. `=0.1.0` or `>= 0.1, < 0.2`"
                ));
            }
            comparators.push(Comparator {
                op,
                version: Partial::parse(rest)?,
            });
        }
        Ok(Requirement {
            text: text.trim().to_string(),
            comparators,
        })
    }

    pub fn matches(&self, v: Version) -> bool {
        self.comparators.iter().all(|c| c.matches(v))
    }

    /// The one version an exact requirement (`=0.1.0`) names: the tag to install.
    pub fn exact(&self) -> Option<Version> {
        match self.comparators.as_slice() {
            [
                Comparator {
                    op: Op::Exact,
                    version:
                        Partial {
                            major,
                            minor: Some(minor),
                            patch: Some(patch),
                        },
                },
            ] => Some(Version {
                major: *major,
                minor: *minor,
                patch: *patch,
            }),
            _ => None,
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn holds(req: &str, version: &str) -> bool {
        Requirement::parse(req).unwrap().matches(v(version))
    }

    #[test]
    fn requirements_read_as_cargo_reads_them() {
        assert!(holds("=0.1.0", "0.1.0"));
        assert!(!holds("=0.1.0", "0.1.1"));
        assert!(holds("=0.1", "0.1.7"));
        assert!(
            holds("0.1", "0.1.9"),
            "a bare version is a caret requirement"
        );
        assert!(!holds("0.1", "0.2.0"));
        assert!(holds("^1.2", "1.9.0"));
        assert!(!holds("^1.2", "2.0.0"));
        assert!(!holds("^1.2", "1.1.9"));
        assert!(holds("^0.0.3", "0.0.3"));
        assert!(!holds("^0.0.3", "0.0.4"));
        assert!(holds("~0.1.2", "0.1.5"));
        assert!(!holds("~0.1.2", "0.2.0"));
        assert!(holds("~1", "1.7.0"));
        assert!(holds(">= 0.1, < 0.3", "0.2.5"));
        assert!(!holds(">= 0.1, < 0.3", "0.3.0"));
        assert!(!holds("> 0.1", "0.1.4"), "> 0.1 means past every 0.1.x");
        assert!(holds("> 0.1", "0.2.0"));
        assert!(holds("<= 0.1", "0.1.4"));
        assert!(!holds("< 0.1", "0.1.0"));
    }

    #[test]
    fn mistakes_are_refused_with_the_text() {
        for bad in ["", ">=", "one", "0.1.0-beta", "1.2.3.4", "=0.x"] {
            let e = Requirement::parse(bad).unwrap_err();
            assert!(e.contains('`'), "{bad}: {e}");
        }
    }

    #[test]
    fn an_exact_requirement_names_its_version() {
        assert_eq!(
            Requirement::parse("=0.1.0").unwrap().exact(),
            Some(v("0.1.0"))
        );
        assert_eq!(Requirement::parse("0.1.0").unwrap().exact(), None);
        assert_eq!(Requirement::parse("=0.1").unwrap().exact(), None);
    }
}
