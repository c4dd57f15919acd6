//! Values written in Redis's or a provider's own syntax: memory sizes (`8gb`), backup and
//! maintenance windows, client output buffer limits, command names. Each is a string in the
//! spec, checked by a schema pattern, and parsed here into what it means.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

macro_rules! string_unit {
    ($name:ident, $schema_name:literal, $pattern:literal, $expected:literal, $desc:literal) => {
        #[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed($schema_name)
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "pattern": $pattern,
                    "description": $desc,
                    "x-expected": $expected,
                })
            }
        }
    };
}

string_unit!(
    MemorySize,
    "MemorySize",
    "^[0-9]{1,15}([bB]|[kKmMgG][bB]?)$",
    "a Redis memory size: an integer and a unit, e.g. 512mb or 8gb (no decimals, no spaces)",
    "A memory size in Redis syntax: an integer followed by `b`, `kb`, `mb` or `gb` (1024-based), or `k`, `m`, `g` (1000-based). No decimals: write `1536mb`, not `1.5gb`."
);

string_unit!(
    SnapshotWindow,
    "SnapshotWindow",
    "^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$",
    "a daily UTC window `hh:mm-hh:mm`, e.g. 03:00-05:00",
    "A daily window in UTC, `hh:mm-hh:mm` with a 24-hour clock, e.g. `03:00-05:00`."
);

string_unit!(
    MaintenanceWindow,
    "MaintenanceWindow",
    "^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$",
    "a weekly UTC window `ddd:hh:mm-ddd:hh:mm`, e.g. sun:05:00-sun:07:00",
    "A weekly window in UTC, `ddd:hh:mm-ddd:hh:mm` with lowercase three-letter days, e.g. `sun:05:00-sun:07:00`."
);

string_unit!(
    ClientBufferLimit,
    "ClientBufferLimit",
    "^[0-9]{1,15}([bB]|[kKmMgG][bB]?)? [0-9]{1,15}([bB]|[kKmMgG][bB]?)? [0-9]{1,10}$",
    "`<hard> <soft> <soft-seconds>`, e.g. \"256mb 64mb 60\" or \"0 0 0\"",
    "A client output buffer limit, `<hard-limit> <soft-limit> <soft-seconds>`: two memory sizes (0 = none) and a number of seconds, e.g. `256mb 64mb 60`."
);

string_unit!(
    CommandName,
    "CommandName",
    "^[A-Za-z][A-Za-z_-]{0,40}$",
    "a Redis command name, e.g. FLUSHALL",
    "A Redis command name, e.g. `FLUSHALL`, `KEYS`, `DEBUG` (case does not matter)."
);

string_unit!(
    NotificationChannel,
    "NotificationChannel",
    "^projects/[a-z][a-z0-9-]{4,28}[a-z0-9]/notificationChannels/[0-9]{1,20}$",
    "a notification channel, projects/<project>/notificationChannels/<id>",
    "A Google Cloud Monitoring notification channel, `projects/<project>/notificationChannels/<id>`."
);

/// Parse a Redis memory size into bytes, as Redis's `memtoull` does: `k`/`m`/`g` are powers of
/// 1000, `kb`/`mb`/`gb` powers of 1024, a bare number is bytes. `None` when it is not one.
pub fn parse_memory(s: &str) -> Option<u64> {
    let lower = s.to_ascii_lowercase();
    let digits_end = lower
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(lower.len());
    if digits_end == 0 {
        return None;
    }
    let n: u64 = lower[..digits_end].parse().ok()?;
    let mul: u64 = match &lower[digits_end..] {
        "" | "b" => 1,
        "k" => 1_000,
        "kb" => 1 << 10,
        "m" => 1_000_000,
        "mb" => 1 << 20,
        "g" => 1_000_000_000,
        "gb" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(mul)
}

impl MemorySize {
    pub fn bytes(&self) -> Option<u64> {
        parse_memory(&self.0)
    }

    /// The unit is one of Redis's 1000-based ones (`8g` is 8,000,000,000 bytes, not 8 GiB).
    pub fn is_decimal_unit(&self) -> bool {
        let l = self.0.to_ascii_lowercase();
        l.ends_with('k') || l.ends_with('m') || l.ends_with('g')
    }
}

/// Bytes in a human unit, exact where possible: `8gb`, `1536mb`, `1000b`.
pub fn format_bytes(bytes: u64) -> String {
    const GB: u64 = 1 << 30;
    const MB: u64 = 1 << 20;
    const KB: u64 = 1 << 10;
    if bytes >= GB && bytes.is_multiple_of(GB) {
        format!("{}gb", bytes / GB)
    } else if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{}mb", bytes / MB)
    } else if bytes >= KB && bytes.is_multiple_of(KB) {
        format!("{}kb", bytes / KB)
    } else {
        format!("{bytes}b")
    }
}

/// GiB with two decimals, for messages: `13.07 GiB`.
pub fn gib(bytes: u64) -> String {
    format!("{:.2} GiB", bytes as f64 / (1u64 << 30) as f64)
}

/// A point in a week, in minutes since Monday 00:00.
fn week_minutes(day: &str, hh: &str, mm: &str) -> Option<u32> {
    let d = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
        .iter()
        .position(|x| *x == day)? as u32;
    let h: u32 = hh.parse().ok().filter(|h| *h < 24)?;
    let m: u32 = mm.parse().ok().filter(|m| *m < 60)?;
    Some(d * 24 * 60 + h * 60 + m)
}

/// A window as a start and a duration, in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: u32,
    pub minutes: u32,
}

impl SnapshotWindow {
    /// Start in minutes after midnight and length in minutes (a window may cross midnight).
    pub fn span(&self) -> Option<Span> {
        let (a, b) = self.0.split_once('-')?;
        let (ah, am) = a.split_once(':')?;
        let (bh, bm) = b.split_once(':')?;
        let start = week_minutes("mon", ah, am)?;
        let end = week_minutes("mon", bh, bm)?;
        let minutes = (end + 24 * 60 - start) % (24 * 60);
        Some(Span { start, minutes })
    }

    /// `03` and `05` of `03:00-05:00`: hour and minute of the start.
    pub fn start_hour_minute(&self) -> Option<(u32, u32)> {
        let s = self.span()?;
        Some((s.start / 60, s.start % 60))
    }
}

impl MaintenanceWindow {
    /// Start in minutes after Monday 00:00 and length in minutes (a window may cross the week).
    pub fn span(&self) -> Option<Span> {
        let (a, b) = self.0.split_once('-')?;
        let mut pa = a.split(':');
        let mut pb = b.split(':');
        let start = week_minutes(pa.next()?, pa.next()?, pa.next()?)?;
        let end = week_minutes(pb.next()?, pb.next()?, pb.next()?)?;
        const WEEK: u32 = 7 * 24 * 60;
        let minutes = (end + WEEK - start) % WEEK;
        Some(Span { start, minutes })
    }

    /// The day of the start, as written (`sun`).
    pub fn start_day(&self) -> &str {
        &self.0[..3]
    }

    pub fn start_hour(&self) -> Option<u32> {
        self.span().map(|s| (s.start % (24 * 60)) / 60)
    }
}

impl Span {
    /// Whether two windows share a minute, both seen on a weekly clock. A daily window is
    /// repeated on each of the seven days.
    pub fn overlaps_weekly(&self, other: &Span) -> bool {
        const WEEK: u32 = 7 * 24 * 60;
        let inside = |x: u32, s: &Span| (x + WEEK - s.start) % WEEK < s.minutes;
        inside(self.start, other) || inside(other.start, self)
    }

    /// This daily window on each day of the week.
    pub fn daily_in_week(&self) -> impl Iterator<Item = Span> + '_ {
        (0..7).map(move |d| Span {
            start: d * 24 * 60 + self.start,
            minutes: self.minutes,
        })
    }
}

impl ClientBufferLimit {
    /// Hard limit, soft limit and soft seconds, with the memory sizes in bytes.
    pub fn parts(&self) -> Option<(u64, u64, u64)> {
        let mut it = self.0.split(' ');
        let hard = parse_memory(it.next()?)?;
        let soft = parse_memory(it.next()?)?;
        let secs: u64 = it.next()?.parse().ok()?;
        Some((hard, soft, secs))
    }
}

impl CommandName {
    pub fn upper(&self) -> String {
        self.0.to_ascii_uppercase()
    }
}

/// An alert threshold that can be switched off: a number, or `false`. (`null` would read as
/// "remove the base's value" under `extends`, so `false` is the one spelling of "off".)
macro_rules! threshold {
    ($name:ident, $num:ty, $schema_name:literal, $json_type:literal, $expected:literal, $desc:literal) => {
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum $name {
            /// Alert beyond this value.
            At($num),
            /// No alert.
            Off,
        }

        impl $name {
            /// The threshold, when the alert is on.
            pub fn value(self) -> Option<$num> {
                match self {
                    $name::At(v) => Some(v),
                    $name::Off => None,
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    $name::At(v) => v.serialize(s),
                    $name::Off => s.serialize_bool(false),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                #[derive(Deserialize)]
                #[serde(untagged)]
                enum Raw {
                    At($num),
                    Switch(bool),
                }
                match Raw::deserialize(d) {
                    Ok(Raw::At(v)) => Ok($name::At(v)),
                    Ok(Raw::Switch(false)) => Ok($name::Off),
                    _ => Err(serde::de::Error::custom($expected)),
                }
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed($schema_name)
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "anyOf": [
                        { "type": $json_type },
                        { "const": false }
                    ],
                    "description": $desc,
                    "x-expected": $expected,
                })
            }
        }
    };
}

threshold!(
    Limit,
    u64,
    "Limit",
    "integer",
    "a whole number, or `false` to switch the alert off",
    "A threshold: a whole number, or `false` for no alert."
);

threshold!(
    RatioLimit,
    f64,
    "RatioLimit",
    "number",
    "a number such as 1.5, or `false` to switch the alert off",
    "A threshold: a number such as `1.5`, or `false` for no alert."
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_units_follow_redis() {
        assert_eq!(parse_memory("8gb"), Some(8 << 30));
        assert_eq!(parse_memory("8g"), Some(8_000_000_000));
        assert_eq!(parse_memory("64MB"), Some(64 << 20));
        assert_eq!(parse_memory("1024"), Some(1024));
        assert_eq!(parse_memory("1.5gb"), None);
        assert_eq!(parse_memory("8tb"), None);
        assert_eq!(parse_memory("gb"), None);
        assert_eq!(
            parse_memory("999999999999999gb"),
            None,
            "overflow is not a size"
        );
    }

    #[test]
    fn windows_measure_and_overlap() {
        let snap = SnapshotWindow("03:00-05:00".into()).span().unwrap();
        assert_eq!(
            snap,
            Span {
                start: 180,
                minutes: 120
            }
        );
        let late = SnapshotWindow("23:30-00:30".into()).span().unwrap();
        assert_eq!(late.minutes, 60);
        let maint = MaintenanceWindow("sun:05:00-sun:07:00".into())
            .span()
            .unwrap();
        assert_eq!(maint.minutes, 120);
        assert!(!snap.daily_in_week().any(|d| d.overlaps_weekly(&maint)));
        let maint2 = MaintenanceWindow("sun:04:00-sun:06:00".into())
            .span()
            .unwrap();
        assert!(snap.daily_in_week().any(|d| d.overlaps_weekly(&maint2)));
    }

    #[test]
    fn formats_bytes_exactly() {
        assert_eq!(format_bytes(16 << 30), "16gb");
        assert_eq!(format_bytes(1536 << 20), "1536mb");
        assert_eq!(format_bytes(1000), "1000b");
    }
}
