//! A gzip bomb: a valid gzip stream, small on the wire, that inflates to a chosen size.
//!
//! One MiB of spaces is deflated once, with a full flush (the compressor forgets what came
//! before, and the output ends on a byte boundary), so its compressed bytes stand alone and
//! can be repeated as often as needed: about 1 KiB on the wire per MiB inflated. The CRC of
//! the whole is combined from the segment's, so even a 64 GiB bomb is built in milliseconds.

use std::sync::OnceLock;

use flate2::{Compress, Compression, Crc, FlushCompress, Status};

const PREFIX: &[u8] = br#"{"items":["#;
const SUFFIX: &[u8] = br#"],"totalItems":0,"pageInfo":{}}"#;
/// Spaces per repeated segment.
const SEGMENT: usize = 1 << 20;

/// Deflates `input` on its own (raw deflate, no zlib header) with `flush` at the end.
fn deflate(input: &[u8], flush: FlushCompress) -> Vec<u8> {
    let mut z = Compress::new(Compression::best(), false);
    let mut out = Vec::with_capacity(input.len() / 512 + 64);
    let mut rest = input;
    loop {
        if out.capacity() - out.len() < 1024 {
            out.reserve(64 * 1024);
        }
        let before = z.total_in();
        let status = z.compress_vec(rest, &mut out, flush);
        let consumed = usize::try_from(z.total_in() - before).unwrap_or(rest.len());
        rest = &rest[consumed.min(rest.len())..];
        let room_left = out.len() < out.capacity();
        match status {
            Ok(Status::StreamEnd) | Err(_) => break,
            // A flush is complete once the input is used up and output space is left over.
            Ok(_) if flush != FlushCompress::Finish && rest.is_empty() && room_left => break,
            Ok(_) => {}
        }
    }
    out
}

fn crc_of(data: &[u8]) -> Crc {
    let mut crc = Crc::new();
    crc.update(data);
    crc
}

/// The compressed segment of [`SEGMENT`] spaces and its CRC.
fn segment() -> &'static (Vec<u8>, Crc) {
    static SEG: OnceLock<(Vec<u8>, Crc)> = OnceLock::new();
    SEG.get_or_init(|| {
        let spaces = vec![b' '; SEGMENT];
        (deflate(&spaces, FlushCompress::Full), crc_of(&spaces))
    })
}

/// A gzip member that inflates to `inflated` bytes (at least the JSON frame): a by-query
/// page with no items and a great deal of whitespace.
pub(crate) fn gzip_bomb(inflated: u64) -> Vec<u8> {
    let frame = (PREFIX.len() + SUFFIX.len()) as u64;
    let spaces = inflated.saturating_sub(frame);
    let (seg, seg_crc) = segment();
    let whole = spaces / SEGMENT as u64;
    let rest = vec![b' '; (spaces % SEGMENT as u64) as usize];
    let capacity = usize::try_from(whole)
        .unwrap_or(usize::MAX)
        .saturating_mul(seg.len())
        .saturating_add(rest.len() / 512 + 256);
    let mut out = Vec::with_capacity(capacity);
    // Header: magic, deflate, no flags, no mtime, max compression, unknown OS.
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 255]);
    let mut crc = crc_of(PREFIX);
    out.extend_from_slice(&deflate(PREFIX, FlushCompress::Full));
    for _ in 0..whole {
        out.extend_from_slice(seg);
        crc.combine(seg_crc);
    }
    out.extend_from_slice(&deflate(&rest, FlushCompress::Full));
    crc.combine(&crc_of(&rest));
    out.extend_from_slice(&deflate(SUFFIX, FlushCompress::Finish));
    crc.combine(&crc_of(SUFFIX));
    out.extend_from_slice(&crc.sum().to_le_bytes());
    // ISIZE: the inflated length modulo 2^32 (what `Crc::amount` counts).
    out.extend_from_slice(&crc.amount().to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use std::io::Read as _;

    use super::*;

    #[test]
    fn the_bomb_is_valid_gzip_of_the_chosen_size_and_tiny_on_the_wire() {
        let inflated = 5 * SEGMENT as u64 + 12_345;
        let bomb = gzip_bomb(inflated);
        assert!(bomb.len() < 16 * 1024, "{} bytes on the wire", bomb.len());
        let mut decoded = Vec::new();
        let read = flate2::read::GzDecoder::new(&bomb[..]).read_to_end(&mut decoded);
        assert!(read.is_ok(), "{read:?}");
        assert_eq!(decoded.len() as u64, inflated);
        let page: Result<serde_json::Value, _> = serde_json::from_slice(&decoded);
        assert_eq!(
            page.ok(),
            Some(serde_json::json!({"items": [], "totalItems": 0, "pageInfo": {}}))
        );
        let big = gzip_bomb(1 << 30);
        assert!(big.len() < 2 << 20, "1 GiB in {} bytes", big.len());
    }
}
