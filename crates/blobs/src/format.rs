//! The sealed blob format: a header, then the plaintext in fixed-size chunks, each sealed with
//! XChaCha20-Poly1305 under the blob's key (the STREAM construction).
//!
//! ```text
//! object = header || chunk_0 || chunk_1 || ... || chunk_{n-1}            (n >= 1)
//! header = magic "CRDRBLOB" (8) || version (1, = 1) || chunk length L (u32 big-endian)
//!          || nonce prefix (16 random bytes)                              (29 bytes)
//! chunk_i = ciphertext of plaintext bytes [i*L, min((i+1)*L, len)) || Poly1305 tag (16)
//!
//! key_i   = the blob key: HKDF of the case key and the blob id (corridor-crypto BlobKey)
//! nonce_i = nonce prefix (16) || i (u64 big-endian)                       (24 bytes)
//! AD_i    = header (29) || u64 big-endian length of the blob id || blob id
//!           || i (u64 big-endian) || last (1 byte: 1 for chunk n-1, else 0)
//! ```
//!
//! Every chunk but the last holds exactly L plaintext bytes; the last holds 0 to L (an empty
//! blob is one empty last chunk). So the object's length alone tells where every chunk lies and
//! which is last, and a range read fetches only the chunks it needs.
//!
//! What this binds: the header is in every chunk's associated data, so no header bit can
//! change; the index (in nonce and AD) stops reordering; the last flag stops truncation at a
//! chunk boundary (the new last chunk was sealed as not last) and extension (the old last chunk
//! is no longer last); the blob id in the AD and in the key stops a chunk or object moving to
//! another blob. The nonce prefix is random per blob, so nonces never repeat under one key even
//! if an id were reused.
//!
//! The object's length reveals the plaintext's length (to within nothing): the format does not
//! pad.
//!
//! This layout is part of the stored format: changing it makes existing blobs unreadable.

use std::ops::Range;

use corridor_crypto::BlobKey;

use crate::{BlobError, BlobId};

const MAGIC: [u8; 8] = *b"CRDRBLOB";
const VERSION: u8 = 1;
/// Plaintext bytes per chunk written by this build. 64 KiB keeps the tag overhead at 0.02%
/// and a range read's waste under one chunk at each end.
pub(crate) const CHUNK_LEN: u32 = 64 * 1024;
/// Chunk lengths a reader accepts: a forged header must not make it allocate gigabytes.
const CHUNK_LEN_ACCEPTED: Range<u32> = 1024..(16 << 20) + 1;
const PREFIX_LEN: usize = 16;
pub(crate) const HEADER_LEN: usize = MAGIC.len() + 1 + 4 + PREFIX_LEN;
pub(crate) const TAG_LEN: usize = BlobKey::TAG_LEN;

/// A blob's header: how long its chunks are and its nonce prefix.
#[derive(Clone, Copy)]
pub(crate) struct Header {
    chunk_len: u32,
    nonce_prefix: [u8; PREFIX_LEN],
}

impl Header {
    /// A header for a new blob: this build's chunk length and a fresh random nonce prefix.
    pub(crate) fn new_random() -> Header {
        use rand::RngCore as _;
        let mut nonce_prefix = [0u8; PREFIX_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce_prefix);
        Header {
            chunk_len: CHUNK_LEN,
            nonce_prefix,
        }
    }

    pub(crate) fn to_bytes(self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[..8].copy_from_slice(&MAGIC);
        out[8] = VERSION;
        out[9..13].copy_from_slice(&self.chunk_len.to_be_bytes());
        out[13..].copy_from_slice(&self.nonce_prefix);
        out
    }

    /// Reads a stored header. Authenticity is checked later, by every chunk's tag.
    pub(crate) fn parse(id: BlobId, bytes: &[u8]) -> Result<Header, BlobError> {
        if bytes.len() != HEADER_LEN || bytes[..8] != MAGIC {
            return Err(BlobError::Malformed(id, "not a sealed blob"));
        }
        if bytes[8] != VERSION {
            return Err(BlobError::UnsupportedVersion(id, bytes[8]));
        }
        let chunk_len = u32::from_be_bytes(bytes[9..13].try_into().expect("4 bytes"));
        if !CHUNK_LEN_ACCEPTED.contains(&chunk_len) {
            return Err(BlobError::Malformed(id, "chunk length out of range"));
        }
        Ok(Header {
            chunk_len,
            nonce_prefix: bytes[13..].try_into().expect("16 bytes"),
        })
    }

    pub(crate) fn chunk_len(&self) -> u64 {
        u64::from(self.chunk_len)
    }
}

/// Where the chunks of a stored object lie, from its header and its length.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    chunk_len: u64,
    chunks: u64,
    plaintext_len: u64,
}

impl Layout {
    /// The layout of a sealed object of `object_len` bytes. Fails for lengths no writer makes
    /// (a final chunk shorter than its tag).
    pub(crate) fn of_object(
        id: BlobId,
        header: &Header,
        object_len: u64,
    ) -> Result<Layout, BlobError> {
        let body = object_len
            .checked_sub(HEADER_LEN as u64)
            .ok_or(BlobError::Malformed(id, "truncated"))?;
        let sealed_chunk = header.chunk_len() + TAG_LEN as u64;
        let chunks = body.div_ceil(sealed_chunk);
        let last_sealed = body - chunks.saturating_sub(1) * sealed_chunk;
        if chunks == 0 || last_sealed < TAG_LEN as u64 {
            return Err(BlobError::Malformed(id, "truncated"));
        }
        Ok(Layout {
            chunk_len: header.chunk_len(),
            chunks,
            plaintext_len: body - chunks * TAG_LEN as u64,
        })
    }

    pub(crate) fn plaintext_len(&self) -> u64 {
        self.plaintext_len
    }

    pub(crate) fn chunk_count(&self) -> u64 {
        self.chunks
    }

    /// The index of the chunk holding plaintext byte `offset`.
    pub(crate) fn chunk_of(&self, offset: u64) -> u64 {
        offset / self.chunk_len
    }

    pub(crate) fn is_last(&self, index: u64) -> bool {
        index + 1 == self.chunks
    }

    /// Plaintext bytes in chunk `index`.
    pub(crate) fn plain_len(&self, index: u64) -> u64 {
        if self.is_last(index) {
            self.plaintext_len - index * self.chunk_len
        } else {
            self.chunk_len
        }
    }

    /// Plaintext offset where chunk `index` starts.
    pub(crate) fn plain_start(&self, index: u64) -> u64 {
        index * self.chunk_len
    }

    /// Object bytes of chunks `first..=last`, tags included.
    pub(crate) fn object_range(&self, first: u64, last: u64) -> Range<u64> {
        let sealed_chunk = self.chunk_len + TAG_LEN as u64;
        let start = HEADER_LEN as u64 + first * sealed_chunk;
        let end = HEADER_LEN as u64 + last * sealed_chunk + self.plain_len(last) + TAG_LEN as u64;
        start..end
    }
}

/// Seals and opens the chunks of one blob: its key, header and id.
pub(crate) struct ChunkCipher {
    key: BlobKey,
    header: Header,
    /// `header || lp(blob id)`, the part of every chunk's associated data that never changes.
    ad_prefix: Vec<u8>,
    id: BlobId,
}

impl ChunkCipher {
    pub(crate) fn new(key: BlobKey, header: Header, id: BlobId) -> ChunkCipher {
        let id_text = id.to_string();
        let mut ad_prefix = Vec::with_capacity(HEADER_LEN + 8 + id_text.len());
        ad_prefix.extend_from_slice(&header.to_bytes());
        ad_prefix.extend_from_slice(&(id_text.len() as u64).to_be_bytes());
        ad_prefix.extend_from_slice(id_text.as_bytes());
        ChunkCipher {
            key,
            header,
            ad_prefix,
            id,
        }
    }

    pub(crate) fn header(&self) -> &Header {
        &self.header
    }

    pub(crate) fn id(&self) -> BlobId {
        self.id
    }

    fn nonce(&self, index: u64) -> [u8; BlobKey::NONCE_LEN] {
        let mut nonce = [0u8; BlobKey::NONCE_LEN];
        nonce[..PREFIX_LEN].copy_from_slice(&self.header.nonce_prefix);
        nonce[PREFIX_LEN..].copy_from_slice(&index.to_be_bytes());
        nonce
    }

    fn associated_data(&self, index: u64, last: bool) -> Vec<u8> {
        let mut ad = Vec::with_capacity(self.ad_prefix.len() + 9);
        ad.extend_from_slice(&self.ad_prefix);
        ad.extend_from_slice(&index.to_be_bytes());
        ad.push(u8::from(last));
        ad
    }

    /// Seals chunk `index` in place: `chunk` is its plaintext followed by `TAG_LEN` bytes of
    /// room, which receive the tag.
    pub(crate) fn seal(&self, index: u64, last: bool, chunk: &mut [u8]) {
        let (text, tag_room) = chunk.split_at_mut(chunk.len() - TAG_LEN);
        let tag = self
            .key
            .seal_chunk(&self.nonce(index), &self.associated_data(index, last), text);
        tag_room.copy_from_slice(&tag);
    }

    /// Opens chunk `index` in place: ciphertext followed by its tag, which becomes plaintext
    /// followed by the (now meaningless) tag. On failure the buffer holds no plaintext.
    pub(crate) fn open(&self, index: u64, last: bool, chunk: &mut [u8]) -> Result<(), BlobError> {
        let Some(text_len) = chunk.len().checked_sub(TAG_LEN) else {
            return Err(BlobError::Malformed(self.id, "truncated"));
        };
        let (text, tag) = chunk.split_at_mut(text_len);
        let tag: &[u8; TAG_LEN] = (&*tag).try_into().expect("TAG_LEN bytes");
        self.key
            .open_chunk(
                &self.nonce(index),
                &self.associated_data(index, last),
                text,
                tag,
            )
            .map_err(|_| BlobError::Unauthentic(self.id))
    }
}

#[cfg(test)]
mod tests {
    use corridor_crypto::CaseKey;

    use super::*;

    fn header(chunk_len: u32) -> Header {
        Header {
            chunk_len,
            nonce_prefix: [9; PREFIX_LEN],
        }
    }

    #[test]
    fn header_layout_is_magic_version_chunk_length_prefix() {
        let bytes = header(CHUNK_LEN).to_bytes();
        assert_eq!(HEADER_LEN, 29);
        assert_eq!(&bytes[..8], b"CRDRBLOB");
        assert_eq!(bytes[8], 1);
        assert_eq!(&bytes[9..13], &[0, 1, 0, 0]);
        assert_eq!(&bytes[13..], &[9; 16]);
        let id = BlobId::random();
        let back = Header::parse(id, &bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes);
    }

    #[test]
    fn headers_that_no_writer_makes_are_refused() {
        let id = BlobId::random();
        let good = header(CHUNK_LEN).to_bytes();
        let mut bad_magic = good;
        bad_magic[0] ^= 1;
        let mut bad_version = good;
        bad_version[8] = 2;
        assert!(matches!(
            Header::parse(id, &bad_magic),
            Err(BlobError::Malformed(..))
        ));
        assert!(matches!(
            Header::parse(id, &bad_version),
            Err(BlobError::UnsupportedVersion(_, 2))
        ));
        assert!(matches!(
            Header::parse(id, &good[..HEADER_LEN - 1]),
            Err(BlobError::Malformed(..))
        ));
        for chunk_len in [0, 1023, (16 << 20) + 1, u32::MAX] {
            assert!(matches!(
                Header::parse(id, &header(chunk_len).to_bytes()),
                Err(BlobError::Malformed(..))
            ));
        }
    }

    #[test]
    fn layout_follows_the_object_length() {
        let id = BlobId::random();
        let h = header(1024);
        let sealed = 1024 + 16;
        let object = |body: u64| HEADER_LEN as u64 + body;

        // Empty blob: one empty last chunk.
        let empty = Layout::of_object(id, &h, object(16)).unwrap();
        assert_eq!((empty.chunks, empty.plaintext_len), (1, 0));
        assert_eq!(empty.plain_len(0), 0);

        // Exactly one full chunk: it is the last.
        let one = Layout::of_object(id, &h, object(sealed)).unwrap();
        assert_eq!((one.chunks, one.plaintext_len), (1, 1024));
        assert!(one.is_last(0));

        // One chunk and one byte.
        let two = Layout::of_object(id, &h, object(sealed + 17)).unwrap();
        assert_eq!((two.chunks, two.plaintext_len), (2, 1025));
        assert_eq!((two.plain_len(0), two.plain_len(1)), (1024, 1));
        assert!(!two.is_last(0) && two.is_last(1));
        assert_eq!(two.object_range(1, 1), object(sealed)..object(sealed + 17));
        assert_eq!(two.object_range(0, 1), object(0)..object(sealed + 17));

        // Lengths no writer makes.
        for body in [0, 15, sealed + 1, sealed + 15] {
            assert!(
                Layout::of_object(id, &h, object(body)).is_err(),
                "body {body}"
            );
        }
        assert!(Layout::of_object(id, &h, 3).is_err());
    }

    #[test]
    fn chunks_are_bound_to_index_last_flag_header_and_blob() {
        let case = CaseKey::generate();
        let id = BlobId::random();
        let cipher = |id: BlobId, header: Header| {
            ChunkCipher::new(case.blob_key(&id.to_string()), header, id)
        };
        let sealing = cipher(id, header(1024));
        let mut chunk = b"plaintext\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec();
        sealing.seal(3, false, &mut chunk);

        let opens = |c: &ChunkCipher, index, last| c.open(index, last, &mut chunk.clone()).is_ok();
        assert!(opens(&sealing, 3, false));
        assert!(!opens(&sealing, 4, false));
        assert!(!opens(&sealing, 3, true));
        let mut other_prefix = header(1024);
        other_prefix.nonce_prefix[0] ^= 1;
        assert!(!opens(&cipher(id, other_prefix), 3, false));
        assert!(!opens(&cipher(id, header(2048)), 3, false));
        // Another blob's key; and this blob's key with another id in the associated data.
        let other = BlobId::random();
        assert!(!opens(&cipher(other, header(1024)), 3, false));
        let moved = ChunkCipher::new(case.blob_key(&id.to_string()), header(1024), other);
        assert!(!opens(&moved, 3, false));

        let mut opened = chunk.clone();
        sealing.open(3, false, &mut opened).unwrap();
        assert_eq!(&opened[..9], b"plaintext");
    }
}
