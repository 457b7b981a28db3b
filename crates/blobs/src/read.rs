//! Reading a blob back: the whole blob or a plaintext range, as a stream of opened chunks.
//!
//! Each chunk is authenticated whole before any of its bytes is returned, so a reader never
//! sees an unauthenticated byte. A whole-blob read also meets the last chunk, so a truncated or
//! extended object fails at the latest there: a consumer must treat the stream as failed when
//! an error arrives, even after chunks were returned.

use std::io::{Read as _, Seek as _, SeekFrom};
use std::sync::Arc;

use bytes::{Buf as _, Bytes};
use futures_util::stream::{BoxStream, Stream, StreamExt as _, TryStreamExt as _};
use object_store::{
    GetOptions, GetRange, GetResult, GetResultPayload, ObjectStore, ObjectStoreExt as _,
};
use zeroize::Zeroizing;

use crate::format::{ChunkCipher, HEADER_LEN, Header, Layout, TAG_LEN};
use crate::{BlobError, BlobId};

/// Bytes read per blocking read from a local file.
const FILE_READ_LEN: usize = 1 << 20;

/// The opened plaintext of a blob, or of a range of it, chunk by chunk. Made by
/// [`BlobStore::get`](crate::BlobStore::get) and
/// [`BlobStore::get_range`](crate::BlobStore::get_range).
pub struct BlobReader {
    cipher: ChunkCipher,
    layout: Layout,
    source: ByteSource,
    next_index: u64,
    /// One past the last chunk to open. A whole read opens every chunk, the last included even
    /// when it is empty, so truncation and the wrong key show even for an empty blob.
    end_index: u64,
    /// Plaintext bytes to drop from the front of the next chunk (a range starting inside it).
    skip: usize,
    /// Plaintext bytes still to return.
    remaining: u64,
}

/// Shows only how much is left to read: never a key, never content.
impl std::fmt::Debug for BlobReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobReader")
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

impl BlobReader {
    /// Plaintext bytes this reader has still to return: the blob's length for a whole read, the
    /// range's length for a range read.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// The next piece of plaintext (at most one chunk, 64 KiB), authenticated, in a buffer that
    /// is wiped when dropped; `None` at the end.
    pub async fn next_chunk(&mut self) -> Result<Option<Zeroizing<Vec<u8>>>, BlobError> {
        while self.next_index < self.end_index {
            let index = self.next_index;
            let plain_len =
                usize::try_from(self.layout.plain_len(index)).expect("chunk fits memory");
            let mut chunk = Zeroizing::new(vec![0u8; plain_len + TAG_LEN]);
            self.source.read_exact(self.cipher.id(), &mut chunk).await?;
            self.cipher
                .open(index, self.layout.is_last(index), &mut chunk)?;
            chunk.truncate(plain_len);
            chunk.drain(..self.skip);
            chunk.truncate(usize::try_from(self.remaining).unwrap_or(usize::MAX));

            self.skip = 0;
            self.next_index += 1;
            self.remaining -= chunk.len() as u64;
            // Only the empty last chunk of an empty blob is empty here.
            if !chunk.is_empty() {
                return Ok(Some(chunk));
            }
        }
        Ok(None)
    }

    /// The rest of the plaintext in one buffer, wiped when dropped. Holds it all in memory: for
    /// small blobs and ranges; stream large ones with [`BlobReader::next_chunk`].
    pub async fn read_to_end(mut self) -> Result<Zeroizing<Vec<u8>>, BlobError> {
        // Exact capacity: no reallocation leaves a copy of plaintext behind.
        let capacity = usize::try_from(self.remaining).expect("blob fits memory");
        let mut out = Zeroizing::new(Vec::with_capacity(capacity));
        while let Some(chunk) = self.next_chunk().await? {
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    /// The plaintext as a stream of chunks (see [`BlobReader::next_chunk`]).
    pub fn into_stream(self) -> impl Stream<Item = Result<Zeroizing<Vec<u8>>, BlobError>> {
        futures_util::stream::try_unfold(self, |mut reader| async move {
            Ok(reader.next_chunk().await?.map(|chunk| (chunk, reader)))
        })
    }
}

/// Opens the whole blob with one request.
pub(crate) async fn whole(
    store: &Arc<dyn ObjectStore>,
    id: BlobId,
    make_cipher: impl FnOnce(Header) -> ChunkCipher,
) -> Result<BlobReader, BlobError> {
    let result = store
        .get_opts(&id.object_path(), GetOptions::default())
        .await
        .map_err(|e| BlobError::storage(id, e))?;
    let object_len = result.meta.size;
    let mut source = ByteSource::new(id, result);
    let mut header = [0u8; HEADER_LEN];
    source.read_exact(id, &mut header).await?;
    let cipher = make_cipher(Header::parse(id, &header)?);
    let layout = Layout::of_object(id, cipher.header(), object_len)?;
    Ok(BlobReader {
        cipher,
        layout,
        source,
        next_index: 0,
        end_index: layout.chunk_count(),
        skip: 0,
        remaining: layout.plaintext_len(),
    })
}

/// Opens plaintext bytes `offset..offset + len`: one request for the header (and the object's
/// length), one for exactly the chunks the range touches.
pub(crate) async fn range(
    store: &Arc<dyn ObjectStore>,
    id: BlobId,
    offset: u64,
    len: u64,
    make_cipher: impl FnOnce(Header) -> ChunkCipher,
) -> Result<BlobReader, BlobError> {
    let path = id.object_path();
    let storage = |e| BlobError::storage(id, e);
    let header_range = GetOptions {
        range: Some(GetRange::Bounded(0..HEADER_LEN as u64)),
        ..GetOptions::default()
    };
    let head = match store.get_opts(&path, header_range).await {
        Ok(head) => head,
        // An empty object has no byte 0 to ask for: that is a malformed blob, not a failure
        // of the store.
        Err(error) => match store.head(&path).await {
            Ok(meta) if meta.size == 0 => return Err(BlobError::Malformed(id, "truncated")),
            _ => return Err(storage(error)),
        },
    };
    let object_len = head.meta.size;
    // The chunks must come from the same object as the header.
    let e_tag = head.meta.e_tag.clone();
    let mut source = ByteSource::new(id, head);
    let mut header = [0u8; HEADER_LEN];
    source.read_exact(id, &mut header).await?;
    let cipher = make_cipher(Header::parse(id, &header)?);
    let layout = Layout::of_object(id, cipher.header(), object_len)?;

    let end = offset.checked_add(len).ok_or(BlobError::OutOfRange(id))?;
    if end > layout.plaintext_len() {
        return Err(BlobError::OutOfRange(id));
    }
    let first = layout.chunk_of(offset);
    let (source, end_index) = if len == 0 {
        (ByteSource::empty(), first)
    } else {
        let last = layout.chunk_of(end - 1);
        let result = store
            .get_opts(
                &path,
                GetOptions {
                    range: Some(GetRange::Bounded(layout.object_range(first, last))),
                    if_match: e_tag,
                    ..GetOptions::default()
                },
            )
            .await
            .map_err(storage)?;
        (ByteSource::new(id, result), last + 1)
    };
    Ok(BlobReader {
        cipher,
        layout,
        source,
        next_index: first,
        end_index,
        skip: usize::try_from(offset - layout.plain_start(first)).expect("within a chunk"),
        remaining: len,
    })
}

/// The stored bytes of a get, in order, read as they are needed.
struct ByteSource {
    blocks: BoxStream<'static, Result<Bytes, BlobError>>,
    pending: Bytes,
}

impl ByteSource {
    fn new(id: BlobId, result: GetResult) -> ByteSource {
        let range = result.range.clone();
        let blocks = match result.payload {
            // object_store reads local files 8 KiB per blocking task; larger reads are faster.
            GetResultPayload::File(file, _) => file_blocks(file, range.start, range.end),
            GetResultPayload::Stream(stream) => {
                stream.map_err(move |e| BlobError::storage(id, e)).boxed()
            }
        };
        ByteSource {
            blocks,
            pending: Bytes::new(),
        }
    }

    fn empty() -> ByteSource {
        ByteSource {
            blocks: futures_util::stream::empty().boxed(),
            pending: Bytes::new(),
        }
    }

    /// Fills `out` exactly; an object that ends first is truncated.
    async fn read_exact(&mut self, id: BlobId, mut out: &mut [u8]) -> Result<(), BlobError> {
        while !out.is_empty() {
            if self.pending.is_empty() {
                self.pending = self
                    .blocks
                    .next()
                    .await
                    .ok_or(BlobError::Malformed(id, "truncated"))??;
                continue;
            }
            let take = out.len().min(self.pending.len());
            out[..take].copy_from_slice(&self.pending[..take]);
            self.pending.advance(take);
            out = &mut out[take..];
        }
        Ok(())
    }
}

/// Bytes `start..end` of a local file, in blocks read on blocking threads.
fn file_blocks(
    file: std::fs::File,
    start: u64,
    end: u64,
) -> BoxStream<'static, Result<Bytes, BlobError>> {
    let io = move |e: std::io::Error| {
        BlobError::Storage(object_store::Error::Generic {
            store: "LocalFileSystem",
            source: Box::new(e),
        })
    };
    futures_util::stream::try_unfold(
        (Some(file), start, true),
        move |(file, position, first)| async move {
            let Some(mut file) = file else {
                return Ok(None);
            };
            if position >= end {
                return Ok(None);
            }
            let len = usize::try_from(end - position)
                .unwrap_or(usize::MAX)
                .min(FILE_READ_LEN);
            let (file, block) = tokio::task::spawn_blocking(move || {
                if first {
                    file.seek(SeekFrom::Start(position))?;
                }
                let mut block = vec![0u8; len];
                let read = (&mut file).take(len as u64).read(&mut block)?;
                block.truncate(read);
                Ok::<_, std::io::Error>((file, block))
            })
            .await
            .map_err(|_| BlobError::Task)?
            .map_err(io)?;
            if block.is_empty() {
                // The file is shorter than its metadata said: the reader reports truncation.
                return Ok(None);
            }
            let next = position + block.len() as u64;
            Ok(Some((Bytes::from(block), (Some(file), next, false))))
        },
    )
    .boxed()
}
