//! The exit code of every command, in one place. Scripts and CI read it, so it is part of the
//! interface: 0 clean (warnings and notes allowed, unless they are denied), 1 something to fix
//! (errors in a spec, drift on a server, stale generated files), 2 the run could not do its
//! work (a usage or I/O problem). Which findings are "to fix" (warnings only when they are
//! denied) is judged by `app::Outcome::of`, because `render` asks the same question before it
//! writes; this is where the answer becomes a number.

use crate::app::Outcome;

pub fn code(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Clean => 0,
        Outcome::ToFix => 1,
        Outcome::NotDone => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_codes() {
        assert_eq!(code(Outcome::Clean), 0);
        assert_eq!(code(Outcome::ToFix), 1);
        assert_eq!(code(Outcome::NotDone), 2);
    }
}
