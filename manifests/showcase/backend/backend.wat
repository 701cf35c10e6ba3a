;; The showcase addon's backend: `metacore-gen build` checks it against the manifest and
;; `metacore-app serve` loads `backend.wasm`, compiled from this file (a test keeps the two in
;; step: `wat::parse_file("backend.wat")` must equal `backend.wasm`).
;;
;; * `echo` (ptr, len) -> packed: answers the invocation document it was given;
;; * `echo_packed` (packed) -> packed: the same, with the single-i64 signature;
;; * `vet` (ptr, len) -> packed: declines with a field error on `reason` when the invocation
;;   document mentions `fraud` (the form's `reason`, or any field of the record), else approves
;;   (answers the document, as `echo`);
;; * `spin` (ptr, len) -> packed: never returns (an infinite loop); its deadline ends it. A
;;   demo of the sandbox's limits, used by the isolation tests and `cargo xtask bench-isolation`.
;;
;; A packed i64 holds a pointer in its high 32 bits and a length in its low 32 bits.
(module
  (memory (export "memory") 2)
  (global $bump (mut i32) (i32.const 1024))
  (data (i32.const 0) "{\"success\":false,\"message\":\"not vetted\",\"error\":{\"code\":\"not_vetted\",\"message\":\"not vetted\"},\"errors\":{\"reason\":[{\"code\":\"rejected\",\"params\":{}}]}}")
  (data (i32.const 256) "fraud")

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

  ;; Whether the `$l` bytes at `$p` hold the 5 bytes of `fraud` (at 256).
  (func $suspect (param $p i32) (param $l i32) (result i32)
    (local $i i32) (local $j i32)
    (block $absent
      (loop $scan
        local.get $i
        i32.const 5
        i32.add
        local.get $l
        i32.gt_u
        br_if $absent
        i32.const 0
        local.set $j
        (block $differs
          (loop $compare
            local.get $j
            i32.const 5
            i32.eq
            if
              i32.const 1
              return
            end
            local.get $p
            local.get $i
            i32.add
            local.get $j
            i32.add
            i32.load8_u
            local.get $j
            i32.const 256
            i32.add
            i32.load8_u
            i32.ne
            br_if $differs
            local.get $j
            i32.const 1
            i32.add
            local.set $j
            br $compare))
        local.get $i
        i32.const 1
        i32.add
        local.set $i
        br $scan))
    i32.const 0)

  (func (export "vet") (param $p i32) (param $l i32) (result i64)
    local.get $p
    local.get $l
    call $suspect
    if (result i64)
      i32.const 0
      i32.const 147
      call $pack
    else
      local.get $p
      local.get $l
      call $pack
    end)

  (func (export "spin") (param $p i32) (param $l i32) (result i64)
    (loop $forever br $forever)
    i64.const 0))
