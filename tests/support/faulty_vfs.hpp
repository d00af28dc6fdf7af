// A SQLite VFS for tests that fails on demand, the seam for file-system faults:
// over the default VFS, it answers every write as a full disk would
// (SQLITE_FULL), or opens every file read-only as a read-only mount would
// (so writes fail and missing files cannot be created).
//
// install() registers it once under k_faulty_vfs (pass that name as
// store::OpenOptions::vfs); the switches are process-wide and thread-safe.
#pragma once

namespace roundtable::testing {

inline constexpr const char* k_faulty_vfs = "rt-faulty";

class FaultyVfs {
public:
    // Registers the VFS (once; later calls do nothing); never fails.
    static void install();

    // Makes every write fail with SQLITE_FULL while `on`; never fails.
    static void set_full(bool on);

    // Opens every file read-only while `on`; never fails.
    static void set_read_only(bool on);
};

// Turns a FaultyVfs switch on for the life of the object.
class ScopedFault {
public:
    enum class Kind { full, read_only };
    explicit ScopedFault(Kind kind) : m_kind(kind) { set(true); }
    ScopedFault(const ScopedFault&) = delete;
    ScopedFault& operator=(const ScopedFault&) = delete;
    ~ScopedFault() { set(false); }

private:
    void set(bool on) const {
        m_kind == Kind::full ? FaultyVfs::set_full(on) : FaultyVfs::set_read_only(on);
    }
    Kind m_kind;
};

} // namespace roundtable::testing
