//! Percent-encoding of URL parts (RFC 3986): encode everything but the unreserved
//! characters, decode `%XX` escapes. Decoding never fails: an escape that is not two hex
//! digits stays as written, and bytes that are not UTF-8 become U+FFFD.

/// A query value or path segment: everything but `A–Z a–z 0–9 - _ . ~` is escaped.
pub fn encode(s: &str) -> String {
    encode_keeping(s, b"")
}

/// A path: as [`encode`], but `/` separators are kept.
pub fn encode_path(s: &str) -> String {
    encode_keeping(s, b"/")
}

/// Decodes `%XX` escapes; `+` stays a plus (paths).
pub fn decode(s: &str) -> String {
    decode_with(s, false)
}

/// Decodes a form-encoded query value: `%XX` escapes, and `+` is a space.
pub fn decode_query(s: &str) -> String {
    decode_with(s, true)
}

fn encode_keeping(s: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') || keep.contains(&b)
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn decode_with(s: &str, plus_is_space: bool) -> String {
    if !(s.contains('%') || plus_is_space && s.contains('+')) {
        return s.to_string();
    }
    let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
            (b'+', _, _) if plus_is_space => out.push(b' '),
            (b, _, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_anything() {
        for s in ["", "a b&c=d/e?f#g", "ünïcödé ✓", "100%", "+plus+", "~._-"] {
            assert_eq!(decode(&encode(s)), s);
            assert_eq!(decode_query(&encode(s)), s);
            assert_eq!(decode(&encode_path(s)), s);
        }
        assert_eq!(encode("a b/c"), "a%20b%2Fc");
        assert_eq!(encode_path("a b/c"), "a%20b/c");
    }

    #[test]
    fn plus_is_a_space_only_in_queries() {
        assert_eq!(decode_query("a+b%2Bc"), "a b+c");
        assert_eq!(decode("a+b%2Bc"), "a+b+c");
    }

    #[test]
    fn bad_escapes_stay_as_written() {
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%41%"), "A%");
        assert_eq!(decode("%ff"), "\u{fffd}");
    }
}
