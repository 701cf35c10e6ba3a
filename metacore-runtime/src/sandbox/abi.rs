//! The calling convention between host and guest (`runtime.md` §1.2).
//!
//! Pointers and lengths are unsigned 32-bit values in `i32`; a buffer returned as `i64` is
//! packed `(ptr << 32) | len`. Reading guest memory is bounds-checked; returning bytes to the
//! guest goes through the guest's own `alloc`, and a failing `alloc` traps the invocation.

use wasmtime::{AsContextMut, Caller, Extern, Memory};

use super::state::HostState;

/// Largest response a handler may return (§1.2: 8 MiB).
pub(crate) const MAX_RESPONSE_BYTES: u32 = 8 * 1024 * 1024;

/// Packs a guest buffer into an `i64`.
pub(crate) fn pack(ptr: u32, len: u32) -> i64 {
    ((u64::from(ptr) << 32) | u64::from(len)) as i64
}

/// Unpacks an `i64` into `(ptr, len)`.
pub(crate) fn unpack(packed: i64) -> (u32, u32) {
    let bits = packed as u64;
    ((bits >> 32) as u32, bits as u32)
}

/// A guest argument that is out of range or not UTF-8 (`invalid_argument`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvalidArgument;

/// The bytes of `memory[ptr .. ptr + len]`, when in range.
pub(crate) fn read_bytes(memory: &[u8], ptr: i32, len: i32) -> Result<Vec<u8>, InvalidArgument> {
    let start = ptr as u32 as usize;
    let end = start
        .checked_add(len as u32 as usize)
        .ok_or(InvalidArgument)?;
    memory
        .get(start..end)
        .map(<[u8]>::to_vec)
        .ok_or(InvalidArgument)
}

/// The guest's exported memory.
pub(crate) fn guest_memory(caller: &mut Caller<'_, HostState>) -> Option<Memory> {
    caller.get_export("memory").and_then(Extern::into_memory)
}

/// Reads the argument `(ptr, len)` as bytes.
pub(crate) fn arg_bytes(
    caller: &mut Caller<'_, HostState>,
    ptr: i32,
    len: i32,
) -> Result<Vec<u8>, InvalidArgument> {
    let memory = guest_memory(caller).ok_or(InvalidArgument)?;
    read_bytes(memory.data(&caller), ptr, len)
}

/// Reads the argument `(ptr, len)` as UTF-8 text.
pub(crate) fn arg_str(
    caller: &mut Caller<'_, HostState>,
    ptr: i32,
    len: i32,
) -> Result<String, InvalidArgument> {
    String::from_utf8(arg_bytes(caller, ptr, len)?).map_err(|_| InvalidArgument)
}

/// Copies `bytes` into a buffer from the guest's `alloc` and returns it packed; empty bytes
/// return 0. A missing or failing `alloc`, or a pointer out of range, is a trap.
pub(crate) async fn return_to_guest(
    caller: &mut Caller<'_, HostState>,
    bytes: &[u8],
) -> wasmtime::Result<i64> {
    if bytes.is_empty() {
        return Ok(0);
    }
    let len = u32::try_from(bytes.len())
        .map_err(|_| wasmtime::Error::msg("host result larger than 4 GiB"))?;
    let alloc = caller
        .get_export("alloc")
        .and_then(Extern::into_func)
        .ok_or_else(|| wasmtime::Error::msg("the guest has no `alloc`"))?
        .typed::<i32, i32>(&caller)?;
    let ptr = alloc
        .call_async(caller.as_context_mut(), len as i32)
        .await? as u32;
    let memory =
        guest_memory(caller).ok_or_else(|| wasmtime::Error::msg("the guest has no `memory`"))?;
    write_guest(memory, caller, ptr, bytes)?;
    Ok(pack(ptr, len))
}

/// Writes `bytes` at `ptr` of `memory`; a zero or out-of-range pointer is a trap (§2.4).
pub(crate) fn write_guest(
    memory: Memory,
    mut store: impl AsContextMut,
    ptr: u32,
    bytes: &[u8],
) -> wasmtime::Result<()> {
    let data = memory.data_mut(store.as_context_mut());
    let start = ptr as usize;
    let target = (ptr != 0)
        .then(|| start.checked_add(bytes.len()))
        .flatten()
        .and_then(|end| data.get_mut(start..end))
        .ok_or_else(|| wasmtime::Error::msg("`alloc` returned an invalid pointer"))?;
    target.copy_from_slice(bytes);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packing_round_trips() {
        assert_eq!(unpack(pack(0x1234, 0x10)), (0x1234, 0x10));
        assert_eq!(unpack(pack(u32::MAX, u32::MAX)), (u32::MAX, u32::MAX));
        assert_eq!(pack(0, 0), 0);
    }

    #[test]
    fn reads_are_bounds_checked() {
        let memory = [1u8, 2, 3, 4];
        assert_eq!(read_bytes(&memory, 1, 2), Ok(vec![2, 3]));
        assert_eq!(read_bytes(&memory, 3, 2), Err(InvalidArgument));
        assert_eq!(read_bytes(&memory, -1, 2), Err(InvalidArgument));
        assert_eq!(read_bytes(&memory, 0, 0), Ok(vec![]));
    }
}
