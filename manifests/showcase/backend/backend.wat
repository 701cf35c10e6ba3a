;; The showcase addon's backend: `metacore-gen build` checks it against the manifest and
;; `metacore-app serve` loads `backend.wasm`, compiled from this file (a test keeps the two in
;; step: `wat::parse_file("backend.wat")` must equal `backend.wasm`).
;;
;; * `echo` (ptr, len) -> packed: answers the invocation document it was given;
;; * `echo_packed` (packed) -> packed: the same, with the single-i64 signature;
;; * `vet` (ptr, len) -> packed: declines with a field error on `reason` when the invocation
;;   document mentions `fraud` (the form's `reason`, or any field of the record), else approves
;;   (answers the document, as `echo`);
;; * `promote` (ptr, len) -> packed: sets every customer of the organisation to `gold`
;;   (`db_exec`) and emits `showcase.customers_promoted` (`event_emit`), both pending in the
;;   invocation's transaction; then declines as `vet` does when the document mentions `fraud`,
;;   which rolls both back, else answers `{"promoted": true}`;
;; * `on_order` (ptr, len) -> packed: the subscription to `showcase.Order.created`: emits
;;   `showcase.order_seen` (`event_emit`, in the invocation's own transaction); declines as `vet`
;;   does when the event mentions `fraud` (so the host retries it, then gives up), which rolls
;;   the emitted event back;
;; * `spin` (ptr, len) -> packed: never returns (an infinite loop); its deadline ends it. A
;;   demo of the sandbox's limits, used by the isolation tests and `cargo xtask bench-isolation`.
;; * `on_lifecycle` (ptr, len) -> packed: the install, enable, disable and uninstall hooks:
;;   sets the key-value entry `lifecycle_ran` (in the operation's transaction), then fails as the
;;   invocation document (which carries the settings) asks: `fraud` declines, `crash` traps,
;;   `sleep` never returns; otherwise it succeeds;
;; * `on_upgrade` / `on_upgrade_legacy` (ptr, len) -> packed: the two `lifecycle.upgrade`
;;   steps: set the key-value entry `upgrade_step` to `"recent"` or `"legacy"`.
;;
;; A packed i64 holds a pointer in its high 32 bits and a length in its low 32 bits.
(module
  (import "metacore_host" "db_exec" (func $db_exec (param i32 i32 i32 i32) (result i64)))
  (import "metacore_host" "event_emit" (func $event_emit (param i32 i32 i32 i32) (result i64)))
  (import "metacore_host" "kv_set" (func $kv_set (param i32 i32 i32 i32) (result i64)))
  (memory (export "memory") 2)
  (global $bump (mut i32) (i32.const 1024))
  (data (i32.const 0) "{\"success\":false,\"message\":\"not vetted\",\"error\":{\"code\":\"not_vetted\",\"message\":\"not vetted\"},\"errors\":{\"reason\":[{\"code\":\"rejected\",\"params\":{}}]}}")
  (data (i32.const 256) "fraud")
  (data (i32.const 300) "UPDATE customers SET tier = 'gold'")
  (data (i32.const 340) "[]")
  (data (i32.const 350) "showcase.customers_promoted")
  (data (i32.const 380) "{\"tier\":\"gold\"}")
  (data (i32.const 400) "{\"success\":true,\"data\":{\"promoted\":true}}")
  (data (i32.const 450) "showcase.order_seen")
  (data (i32.const 480) "{\"seen\":true}")
  (data (i32.const 500) "crash")
  (data (i32.const 510) "sleep")
  (data (i32.const 520) "lifecycle_ran")
  (data (i32.const 550) "true")
  (data (i32.const 570) "upgrade_step")
  (data (i32.const 600) "\"recent\"")
  (data (i32.const 620) "\"legacy\"")

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
    local.get $p
    local.get $l
    i32.const 256
    call $contains5)

  ;; Whether the `$l` bytes at `$p` hold the 5 bytes at `$needle`.
  (func $contains5 (param $p i32) (param $l i32) (param $needle i32) (result i32)
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
            local.get $needle
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

  (func (export "promote") (param $p i32) (param $l i32) (result i64)
    i32.const 300
    i32.const 34
    i32.const 340
    i32.const 2
    call $db_exec
    drop
    i32.const 350
    i32.const 27
    i32.const 380
    i32.const 15
    call $event_emit
    drop
    local.get $p
    local.get $l
    call $suspect
    if (result i64)
      i32.const 0
      i32.const 147
      call $pack
    else
      i32.const 400
      i32.const 41
      call $pack
    end)

  (func (export "on_order") (param $p i32) (param $l i32) (result i64)
    i32.const 450
    i32.const 19
    i32.const 480
    i32.const 13
    call $event_emit
    drop
    local.get $p
    local.get $l
    call $suspect
    if (result i64)
      i32.const 0
      i32.const 147
      call $pack
    else
      i32.const 400
      i32.const 41
      call $pack
    end)

  (func (export "spin") (param $p i32) (param $l i32) (result i64)
    (loop $forever br $forever)
    i64.const 0)

  (func (export "on_lifecycle") (param $p i32) (param $l i32) (result i64)
    i32.const 520
    i32.const 13
    i32.const 550
    i32.const 4
    call $kv_set
    drop
    local.get $p
    local.get $l
    i32.const 500
    call $contains5
    if
      unreachable
    end
    local.get $p
    local.get $l
    i32.const 510
    call $contains5
    if
      (loop $forever br $forever)
    end
    local.get $p
    local.get $l
    call $suspect
    if (result i64)
      i32.const 0
      i32.const 147
      call $pack
    else
      i32.const 400
      i32.const 41
      call $pack
    end)

  (func (export "on_upgrade") (param $p i32) (param $l i32) (result i64)
    i32.const 570
    i32.const 12
    i32.const 600
    i32.const 8
    call $kv_set
    drop
    i32.const 400
    i32.const 41
    call $pack)

  (func (export "on_upgrade_legacy") (param $p i32) (param $l i32) (result i64)
    i32.const 570
    i32.const 12
    i32.const 620
    i32.const 8
    call $kv_set
    drop
    i32.const 400
    i32.const 41
    call $pack))
