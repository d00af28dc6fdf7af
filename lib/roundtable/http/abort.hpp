// The process-wide abort flag: a Ctrl-C handler sets it, in-flight transfers
// and retry waits see it within about 50 ms and stop with an "aborted" error.
//
// Thread-safe; request_abort() is async-signal-safe (a lock-free atomic store).
#pragma once

namespace roundtable::http {

// Asks every in-flight transfer and wait to stop; never fails, safe in a signal handler.
void request_abort() noexcept;

// Clears the abort flag so later calls run again; never fails.
void clear_abort() noexcept;

// Returns whether an abort was requested and not cleared since; never fails.
bool abort_requested() noexcept;

} // namespace roundtable::http
