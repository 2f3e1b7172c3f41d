//! Time as the CI tab shows it, without a clock of its own: callers pass "now" (the UI
//! reads the browser's clock) and the local time zone's offset.

/// Seconds since the Unix epoch of a GitHub timestamp (`2020-01-22T19:33:08Z`, also with
/// fractional seconds or a `+hh:mm` offset). `None` for anything else.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, rest) = text.split_once('T')?;
    let mut d = date.split('-');
    let (year, month, day): (i64, u32, u32) = (
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
        d.next()?.parse().ok()?,
    );
    if d.next().is_some()
        || !(1..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
    {
        return None;
    }
    let (clock, offset) = if let Some(clock) = rest.strip_suffix('Z') {
        (clock, 0)
    } else {
        let at = rest.rfind(['+', '-'])?;
        let (clock, zone) = rest.split_at(at);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (h, m) = zone[1..].split_once(':')?;
        let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
        if !(0..=23).contains(&h) || !(0..=59).contains(&m) {
            return None;
        }
        (clock, sign * (h * 3600 + m * 60))
    };
    let clock = clock.split('.').next()?;
    let mut c = clock.split(':');
    let (h, m, s): (i64, i64, i64) = (
        c.next()?.parse().ok()?,
        c.next()?.parse().ok()?,
        c.next()?.parse().ok()?,
    );
    if c.next().is_some()
        || !(0..=23).contains(&h)
        || !(0..=59).contains(&m)
        || !(0..=60).contains(&s)
    {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3600 + m * 60 + s - offset)
}

/// `2020-01-22T19:33:08Z` for seconds since the epoch (UTC).
pub fn format_timestamp(epoch: i64) -> String {
    let (days, secs) = (epoch.div_euclid(86_400), epoch.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// `HH:MM` of `epoch` in a zone `offset_minutes` east of UTC (JavaScript's
/// `getTimezoneOffset()` is the negation of this).
pub fn clock(epoch: i64, offset_minutes: i32) -> String {
    let local = epoch
        .saturating_add(i64::from(offset_minutes) * 60)
        .rem_euclid(86_400);
    format!("{:02}:{:02}", local / 3600, local % 3600 / 60)
}

/// `42s`, `3m 05s`, `2h 07m`.
pub fn format_duration(secs: i64) -> String {
    let secs = secs.max(0);
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m {:02}s", secs / 60, secs % 60),
        _ => format!("{}h {:02}m", secs / 3600, secs % 3600 / 60),
    }
}

/// `just now`, `5 minutes ago`, `3 hours ago`, `2 days ago`, `4 months ago`.
pub fn relative(then: i64, now: i64) -> String {
    let ago = now.saturating_sub(then);
    let unit = |n: i64, one: &str| format!("{n} {one}{} ago", if n == 1 { "" } else { "s" });
    match ago {
        i64::MIN..45 => "just now".to_string(),
        45..3600 => unit((ago / 60).max(1), "minute"),
        3600..86_400 => unit(ago / 3600, "hour"),
        86_400..2_592_000 => unit(ago / 86_400, "day"),
        2_592_000..31_536_000 => unit(ago / 2_592_000, "month"),
        _ => unit(ago / 31_536_000, "year"),
    }
}

// Howard Hinnant's algorithms (proleptic Gregorian calendar).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        assert_eq!(parse_timestamp("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_timestamp("2020-01-22T19:33:08Z"), Some(1_579_721_588));
        assert_eq!(
            parse_timestamp("2020-01-22T20:33:08.123+01:00"),
            Some(1_579_721_588)
        );
        assert_eq!(
            parse_timestamp("2020-01-22T14:33:08-05:00"),
            Some(1_579_721_588)
        );
        assert_eq!(format_timestamp(1_579_721_588), "2020-01-22T19:33:08Z");
        assert_eq!(format_timestamp(951_782_400), "2000-02-29T00:00:00Z");
        for bad in [
            "",
            "2020-01-22",
            "2020-13-01T00:00:00Z",
            "2020-01-22T25:00:00Z",
            "yesterday",
            "2020-01-22T19:33Z",
        ] {
            assert_eq!(parse_timestamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_relative_times_and_clocks() {
        assert_eq!(format_duration(42), "42s");
        assert_eq!(format_duration(185), "3m 05s");
        assert_eq!(format_duration(7620), "2h 07m");
        assert_eq!(format_duration(-3), "0s");
        assert_eq!(relative(100, 110), "just now");
        assert_eq!(relative(0, 60), "1 minute ago");
        assert_eq!(relative(0, 5 * 3600), "5 hours ago");
        assert_eq!(relative(0, 86_400), "1 day ago");
        assert_eq!(clock(1_579_721_588, 0), "19:33");
        assert_eq!(clock(1_579_721_588, 60), "20:33");
        assert_eq!(clock(1_579_721_588, -20 * 60), "23:33");
        // Whatever a server sends, nothing overflows.
        let _ = clock(i64::MAX, 600);
        let _ = clock(i64::MIN, -600);
        assert_eq!(parse_timestamp("99999999999999-01-01T00:00:00Z"), None);
        let _ = relative(i64::MIN, i64::MAX);
        assert_eq!(
            parse_timestamp("2020-01-22T19:33:08+9999999999999:00"),
            None
        );
    }
}
