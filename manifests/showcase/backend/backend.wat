;; The showcase addon's backend: `metacore-gen build` checks it against the manifest and
;; `metacore-app serve` loads `backend.wasm`, compiled from this file (a test keeps the two in
;; step: `wat::parse_file("backend.wat")` must equal `backend.wasm`).
;;
;; * `echo` (ptr, len) -> packed: answers the invocation document it was given;
;; * `echo_packed` (packed) -> packed: the same, with the single-i64 signature;
;; * `vet` (ptr, len) -> packed: declines with a field error on `reason`;
;; * `spin` (ptr, len) -> packed: never returns (an infinite loop); its deadline ends it. A
;;   demo of the sandbox's limits, used by the isolation tests and `cargo xtask bench-isolation`.
;;
;; A packed i64 holds a pointer in its high 32 bits and a length in its low 32 bits.
(module
  (memory (export "memory") 2)
  (global $bump (mut i32) (i32.const 1024))
  (data (i32.const 0) "{\"success\":false,\"message\":\"not vetted\",\"error\":{\"code\":\"not_vetted\",\"message\":\"not vetted\"},\"errors\":{\"reason\":[{\"code\":\"rejected\",\"params\":{}}]}}")

  ;; A bump allocator; every call gets a fresh instance, so nothing is ever freed.
  (func $alloc (export "alloc") (param $n i32) (result i32)
    (local $p i32)
    global.get $bump
    local.set $p
    global.get $bump
    local.get $n
    i32.add
    global.set $bump
    local.get $p)

  (func $pack (param $p i32) (param $l i32) (result i64)
    local.get $p
    i64.extend_i32_u
    i64.const 32
    i64.shl
    local.get $l
    i64.extend_i32_u
    i64.or)

  (func (export "echo") (param $p i32) (param $l i32) (result i64)
    local.get $p
    local.get $l
    call $pack)

  (func (export "echo_packed") (param $x i64) (result i64)
    local.get $x)

  (func (export "vet") (param $p i32) (param $l i32) (result i64)
    i32.const 0
    i32.const 147
    call $pack)

  (func (export "spin") (param $p i32) (param $l i32) (result i64)
    (loop $forever br $forever)
    i64.const 0))
