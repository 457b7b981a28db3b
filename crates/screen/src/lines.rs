//! Reading text whose lines may end in CR LF as if they ended in LF: the csv crate counts the
//! lines of CR LF files one short for every record after the first, and errors must name the
//! right line.

use std::io::{self, Read};

/// A reader that drops every CR that comes right before an LF, across read boundaries.
pub(crate) struct LfReader<R> {
    inner: R,
    /// A CR seen at the end of the previous read, not yet passed on.
    pending_cr: bool,
    /// Reused for every read of `inner`.
    buffer: Vec<u8>,
}

impl<R: Read> LfReader<R> {
    pub(crate) fn new(inner: R) -> Self {
        LfReader {
            inner,
            pending_cr: false,
            buffer: Vec::new(),
        }
    }
}

impl<R: Read> Read for LfReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            // Leave room for a held-back CR.
            let room = out.len() - usize::from(self.pending_cr);
            let mut buffer = std::mem::take(&mut self.buffer);
            buffer.resize(room.max(1), 0);
            let read = self.inner.read(&mut buffer);
            let read = match read {
                Ok(read) => read,
                Err(error) => {
                    self.buffer = buffer;
                    return Err(error);
                }
            };
            let mut written = 0;
            let held = std::mem::take(&mut self.pending_cr);
            if read == 0 {
                self.buffer = buffer;
                if held {
                    out[0] = b'\r';
                    return Ok(1);
                }
                return Ok(0);
            }
            if held && buffer[0] != b'\n' {
                out[written] = b'\r';
                written += 1;
            }
            for (i, &byte) in buffer[..read].iter().enumerate() {
                if byte == b'\r' {
                    match buffer[..read].get(i + 1) {
                        Some(b'\n') => continue,
                        Some(_) => {}
                        None => {
                            self.pending_cr = true;
                            continue;
                        }
                    }
                }
                out[written] = byte;
                written += 1;
            }
            self.buffer = buffer;
            if written > 0 {
                return Ok(written);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one byte per read, to cross every boundary.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            match self.0.split_first() {
                Some((first, rest)) if !out.is_empty() => {
                    out[0] = *first;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    fn through(input: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        LfReader::new(Trickle(input))
            .read_to_end(&mut out)
            .expect("read");
        let mut whole = Vec::new();
        LfReader::new(input).read_to_end(&mut whole).expect("read");
        assert_eq!(out, whole, "the same however the input is cut");
        out
    }

    #[test]
    fn crlf_becomes_lf_and_lone_cr_stays() {
        assert_eq!(through(b"a\r\nb\r\n"), b"a\nb\n");
        assert_eq!(through(b"a\rb\r"), b"a\rb\r");
        assert_eq!(through(b"\r\r\n\r"), b"\r\n\r");
        assert_eq!(through(b""), b"");
    }
}
