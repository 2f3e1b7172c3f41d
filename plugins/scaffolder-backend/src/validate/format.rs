//! The `format` keyword for strings: the formats `jsonschema` knows, checked by hand (dates,
//! times, e-mail, hosts, IP addresses, URIs, UUIDs, `regex`…). Unknown formats pass, as there.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Whether `s` conforms to `format` (unknown formats: true).
pub fn conforms(s: &str, format: &str) -> bool {
    match format {
        "date-time" => date_time(s),
        "date" => date(s),
        "time" => time(s),
        "email" => email(s),
        "ip-address" | "ipv4" => s.parse::<Ipv4Addr>().is_ok() && s.split('.').count() == 4,
        "ipv6" => s.trim().parse::<Ipv6Addr>().is_ok(),
        "uri" | "iri" => uri(s),
        "uuid" => uuid(s),
        "hostname" | "host-name" => hostname(s),
        "alpha" => !s.is_empty() && s.chars().all(|c| c.is_ascii_alphabetic()),
        "alphanumeric" => !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()),
        "regex" | "regexp" | "pattern" => super::pattern::compile(s).is_ok(),
        "utc-millisec" => {
            !s.is_empty()
                && s.trim_start_matches('-')
                    .chars()
                    .all(|c| c.is_ascii_digit())
        }
        "phone" => phone(s),
        _ => true,
    }
}

fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.chars().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

fn date(s: &str) -> bool {
    let mut parts = s.split('-');
    let (Some(y), Some(m), Some(d), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    digits(y, 4).is_some()
        && digits(m, 2).is_some_and(|m| m <= 12)
        && digits(d, 2).is_some_and(|d| (1..=31).contains(&d))
}

fn time(s: &str) -> bool {
    let mut parts = s.split(':');
    let (Some(h), Some(m), Some(sec), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    digits(h, 2).is_some_and(|h| h <= 24)
        && digits(m, 2).is_some_and(|m| m <= 59)
        && digits(sec, 2).is_some_and(|s| s <= 60)
}

fn date_time(s: &str) -> bool {
    let Some(split) = s.find(['T', 't', ' ']) else {
        return false;
    };
    let (day, rest) = (&s[..split], &s[split + 1..]);
    if !date(day) || rest.len() < 8 || !rest.is_char_boundary(8) {
        return false;
    }
    let (clock, mut zone) = rest.split_at(8);
    if !time(clock) {
        return false;
    }
    if let Some(frac) = zone.strip_prefix('.') {
        let n = frac.chars().take_while(char::is_ascii_digit).count();
        if n == 0 {
            return false;
        }
        zone = &frac[n..];
    }
    match zone {
        "Z" | "z" => true,
        _ => {
            let Some(offset) = zone.strip_prefix(['+', '-']) else {
                return false;
            };
            let mut p = offset.split(':');
            matches!(
                (p.next().and_then(|h| digits(h, 2)), p.next().and_then(|m| digits(m, 2)), p.next()),
                (Some(h), Some(m), None) if h <= 59 && m <= 60
            )
        }
    }
}

fn email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_alphanumeric() || "_!#$%&'*+-/=?^`{|}~".contains(c))
        });
    local_ok && (hostname(domain) && domain.contains('.') || ip_literal(domain))
}

fn ip_literal(s: &str) -> bool {
    s.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .is_some_and(|ip| ip.parse::<Ipv4Addr>().is_ok())
}

fn hostname(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    !s.is_empty()
        && s.len() <= 255
        && s.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

fn uri(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        && !s.chars().any(char::is_whitespace)
}

fn uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

fn phone(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('+') else {
        return false;
    };
    let count = rest.chars().filter(char::is_ascii_digit).count();
    rest.chars().all(|c| c.is_ascii_digit() || c == ' ')
        && rest.ends_with(|c: char| c.is_ascii_digit())
        && !rest.contains("  ")
        && (7..=15).contains(&count)
}

#[cfg(test)]
mod tests {
    use super::conforms;

    #[test]
    fn formats() {
        assert!(conforms("2026-12-04", "date"));
        assert!(!conforms("2020-13-01", "date"));
        assert!(conforms("2026-12-04T10:00:00Z", "date-time"));
        assert!(conforms("2026-12-04 10:00:00.5+01:00", "date-time"));
        assert!(!conforms("2026-12-04T10:00", "date-time"));
        assert!(conforms("ops@harborlight.example", "email"));
        assert!(!conforms("ops@", "email"));
        assert!(conforms("10.0.0.1", "ipv4"));
        assert!(!conforms("10.0.0", "ipv4"));
        assert!(conforms("https://x.example/a", "uri"));
        assert!(!conforms("not a uri", "uri"));
        assert!(conforms("123e4567-e89b-12d3-a456-426614174000", "uuid"));
        assert!(conforms("quay-1.harborlight.example", "hostname"));
        assert!(!conforms("-bad.example", "hostname"));
        assert!(!conforms("(", "regex"));
        assert!(conforms("anything", "no-such-format"));
    }
}
