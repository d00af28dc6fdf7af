#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <iterator>
#include <limits>
#include <mutex>
#include <roundtable/store/store.hpp>
#include <roundtable/util/hash.hpp>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <thread>
#include <type_traits>
#include <unistd.h>
#include <utility>

namespace roundtable::store {

namespace {

namespace fs = std::filesystem;

constexpr int k_busy_timeout_ms = 10000;
constexpr int k_busy_retries = 20;
constexpr std::size_t k_min_prefix = 6;
constexpr std::int64_t k_wal_size_limit = 8LL * 1024 * 1024; // the WAL shrinks back to this
constexpr std::int64_t k_chunk_rows = 500;                   // rows deleted per transaction
constexpr std::int64_t k_incremental_rows = 5000; // rows deleted per run, plus twice those written
constexpr std::int64_t k_check_interval_s = 7LL * 86400; // quick_check once a week
constexpr std::int64_t k_kept_runs = 100;                // run records kept

// A SQLite failure: its extended result code (to tell damage from a full disk) and message.
struct DbError {
    int code = SQLITE_ERROR;
    std::string message;
};
template <class T> using Result = std::expected<T, DbError>;

bool is_busy(int rc) {
    const int primary = rc & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

// Whether `rc` says the file itself is damaged (as opposed to busy, read-only or full).
bool is_damage(int rc) {
    const int primary = rc & 0xff;
    return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

void back_off(int attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
}

std::string describe(sqlite3* db) {
    return db != nullptr ? std::string(sqlite3_errmsg(db)) : std::string("out of memory");
}

// Returns the connection's last error; an I/O error or a file that cannot be opened
// also names the system's reason ("disk I/O error (No space left on device)").
DbError db_error(sqlite3* db) {
    if (db == nullptr) {
        return {SQLITE_NOMEM, describe(db)};
    }
    DbError error{sqlite3_extended_errcode(db), describe(db)};
    const int primary = error.code & 0xff;
    const int system = sqlite3_system_errno(db);
    if ((primary == SQLITE_IOERR || primary == SQLITE_CANTOPEN) && system != 0) {
        error.message += fmt::format(" ({})", std::strerror(system));
    }
    return error;
}

struct StatementDeleter {
    void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

Result<Statement> prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
        SQLITE_OK) {
        sqlite3_finalize(raw);
        return std::unexpected(db_error(db));
    }
    return Statement(raw);
}

// Runs `sql` (one or more statements without results), retrying while the database is busy.
Result<void> exec(sqlite3* db, const char* sql) {
    for (int attempt = 0;; ++attempt) {
        const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) {
            return {};
        }
        if (!is_busy(rc) || attempt >= k_busy_retries) {
            return std::unexpected(db_error(db));
        }
        back_off(attempt);
    }
}

// Steps a statement that returns no rows (or whose rows are ignored) to its end.
Result<void> run(sqlite3* db, sqlite3_stmt* statement) {
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW) {
        rc = sqlite3_step(statement);
    }
    if (rc != SQLITE_DONE) {
        return std::unexpected(db_error(db));
    }
    return {};
}

// Returns the first column of the first row of `sql` as an integer (0 for no row or NULL).
Result<std::int64_t> query_int(sqlite3* db, std::string_view sql) {
    auto statement = prepare(db, sql);
    if (!statement) {
        return std::unexpected(statement.error());
    }
    const int rc = sqlite3_step(statement->get());
    if (rc == SQLITE_ROW) {
        return sqlite3_column_int64(statement->get(), 0);
    }
    if (rc == SQLITE_DONE) {
        return 0;
    }
    return std::unexpected(db_error(db));
}

void bind_text(sqlite3_stmt* statement, int index, std::string_view text) {
    sqlite3_bind_text64(statement, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

std::string column_text(sqlite3_stmt* statement, int column) {
    const auto* text = sqlite3_column_text(statement, column);
    if (text == nullptr) {
        return {};
    }
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
}

std::optional<std::int64_t> column_optional(sqlite3_stmt* statement, int column) {
    if (sqlite3_column_type(statement, column) == SQLITE_NULL) {
        return std::nullopt;
    }
    return sqlite3_column_int64(statement, column);
}

// A write transaction opened with BEGIN IMMEDIATE (so it never has to upgrade a
// read lock, which WAL cannot wait for) and rolled back unless committed.
class WriteTransaction {
public:
    explicit WriteTransaction(sqlite3* db) : m_db(db) {}
    WriteTransaction(const WriteTransaction&) = delete;
    WriteTransaction& operator=(const WriteTransaction&) = delete;
    ~WriteTransaction() {
        if (m_open) {
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        }
    }

    Result<void> begin() {
        auto begun = exec(m_db, "BEGIN IMMEDIATE");
        m_open = begun.has_value();
        return begun;
    }

    Result<void> commit() {
        auto committed = exec(m_db, "COMMIT");
        if (committed) {
            m_open = false;
        }
        return committed;
    }

private:
    sqlite3* m_db;
    bool m_open = false;
};

// The schema, one entry per version: entry i migrates version i to version i + 1.
// Append new tables as a new entry; never edit an entry that has shipped.
constexpr const char* k_migrations[] = {
    // 1: the reply cache and the card log.
    R"sql(
CREATE TABLE replies (
    key TEXT PRIMARY KEY NOT NULL,
    text TEXT NOT NULL,
    model TEXT NOT NULL,
    finish_reason TEXT NOT NULL,
    request_id TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cached_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE cards (
    row_id INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    stance TEXT NOT NULL,
    vote TEXT NOT NULL,
    cost_usd REAL NOT NULL,
    created_at INTEGER NOT NULL,
    card_json TEXT NOT NULL
);
CREATE INDEX cards_by_id ON cards (id);
)sql",
    // 2: replies in a rowid table (a WITHOUT ROWID row keeps only about 1 KB in its page and
    // spills the rest into overflow pages, so a 2 KB reply took 5 KB); limits (age indexes),
    // hit rates of runs, and a key-value table for the store's own state.
    R"sql(
CREATE TABLE replies_v2 (
    row_id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    model TEXT NOT NULL,
    finish_reason TEXT NOT NULL,
    request_id TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cached_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
INSERT INTO replies_v2 (key, text, model, finish_reason, request_id, input_tokens, output_tokens,
                        cached_tokens, cache_write_tokens, created_at)
    SELECT key, text, model, finish_reason, request_id, input_tokens, output_tokens,
           cached_tokens, cache_write_tokens, created_at FROM replies ORDER BY created_at;
DROP TABLE replies;
ALTER TABLE replies_v2 RENAME TO replies;
CREATE INDEX replies_by_age ON replies (created_at);
CREATE INDEX cards_by_age ON cards (created_at);
CREATE TABLE cache_runs (
    row_id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    hits INTEGER NOT NULL,
    misses INTEGER NOT NULL
);
CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value NOT NULL
) WITHOUT ROWID;
)sql",
    // 3: the reasoning tokens of a reply (part of output_tokens), for the card's usage.
    R"sql(
ALTER TABLE replies ADD COLUMN reasoning_tokens INTEGER NOT NULL DEFAULT 0;
)sql",
    // 4: provider batch runs, their jobs and the jobs' request lines (roundtable jobs), so
    // that nothing submitted is lost and another process can collect it.
    R"sql(
CREATE TABLE batch_runs (
    id TEXT PRIMARY KEY NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    state TEXT NOT NULL,
    options TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE batch_jobs (
    row_id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL,
    seat TEXT NOT NULL,
    provider TEXT NOT NULL,
    base_url TEXT NOT NULL,
    job_id TEXT NOT NULL,
    pass INTEGER NOT NULL,
    state TEXT NOT NULL,
    ended INTEGER NOT NULL,
    collected INTEGER NOT NULL,
    requests INTEGER NOT NULL,
    succeeded INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    submitted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX batch_jobs_by_run ON batch_jobs (run_id);
CREATE TABLE batch_requests (
    job_row INTEGER NOT NULL,
    custom_id TEXT NOT NULL,
    cache_key TEXT NOT NULL,
    PRIMARY KEY (job_row, custom_id)
) WITHOUT ROWID;
)sql",
    // 5: what the provider said a reply cost (xAI's cost_in_usd_ticks), so that a batch reply
    // read back from the cache is billed as the provider billed it.
    R"sql(
ALTER TABLE replies ADD COLUMN billed_ticks INTEGER NOT NULL DEFAULT -1;
)sql",
};
static_assert(static_cast<int>(std::size(k_migrations)) == Store::k_schema_version);

// Brings the schema to k_schema_version inside one write transaction, so that two
// processes opening a fresh file at once migrate it exactly once.
Result<void> migrate(sqlite3* db) {
    auto version = query_int(db, "PRAGMA user_version");
    if (!version) {
        return std::unexpected(version.error());
    }
    if (*version == Store::k_schema_version) {
        return {};
    }
    WriteTransaction transaction(db);
    if (auto begun = transaction.begin(); !begun) {
        return begun;
    }
    version = query_int(db, "PRAGMA user_version"); // another process may have migrated meanwhile
    if (!version) {
        return std::unexpected(version.error());
    }
    if (*version > Store::k_schema_version) {
        return std::unexpected(DbError{
            SQLITE_ERROR, fmt::format("schema version {} is newer than this roundtable's ({})",
                                      *version, Store::k_schema_version)});
    }
    if (*version < 0) {
        return std::unexpected(
            DbError{SQLITE_ERROR, fmt::format("unknown schema version {}", *version)});
    }
    for (auto step = *version; step < Store::k_schema_version; ++step) {
        if (auto done = exec(db, k_migrations[step]); !done) {
            return done;
        }
    }
    const std::string set_version =
        fmt::format("PRAGMA user_version = {}", Store::k_schema_version);
    if (auto done = exec(db, set_version.c_str()); !done) {
        return done;
    }
    return transaction.commit();
}

// Sets incremental auto-vacuum (a new file gets it at once; an older one is rebuilt
// with VACUUM once, when no other process is writing), WAL mode (checking the
// answer: a read-only or in-memory file may refuse it), normal syncing, in-memory
// temporary tables, the WAL's size limit and the busy timeout, then migrates.
Result<void> configure(sqlite3* db) {
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, k_busy_timeout_ms);
    // Setting the mode writes the header even when it is already set: only when it differs.
    auto initial_mode = query_int(db, "PRAGMA auto_vacuum");
    if (!initial_mode) {
        return std::unexpected(initial_mode.error());
    }
    if (*initial_mode != 2) {
        if (auto done = exec(db, "PRAGMA auto_vacuum = INCREMENTAL"); !done) {
            return done;
        }
    }
    for (int attempt = 0;; ++attempt) {
        auto statement = prepare(db, "PRAGMA journal_mode = WAL");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        const int rc = sqlite3_step(statement->get());
        if (rc == SQLITE_ROW) {
            const std::string mode = column_text(statement->get(), 0);
            if (mode != "wal") {
                return std::unexpected(DbError{
                    SQLITE_ERROR, fmt::format("cannot switch to WAL mode (got '{}')", mode)});
            }
            break;
        }
        if (!is_busy(rc) || attempt >= k_busy_retries) {
            return std::unexpected(db_error(db));
        }
        back_off(attempt);
    }
    const std::string pragmas =
        fmt::format("PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; "
                    "PRAGMA journal_size_limit = {};",
                    k_wal_size_limit);
    if (auto done = exec(db, pragmas.c_str()); !done) {
        return done;
    }
    if (auto migrated = migrate(db); !migrated) {
        return migrated;
    }
    auto vacuum_mode = query_int(db, "PRAGMA auto_vacuum");
    if (!vacuum_mode) {
        return std::unexpected(vacuum_mode.error());
    }
    if (*vacuum_mode != 2) {
        // Best effort: a busy or full database keeps its mode until a later open.
        (void)sqlite3_exec(db, "VACUUM", nullptr, nullptr, nullptr);
    }
    return {};
}

CardLogEntry read_card(sqlite3_stmt* statement) {
    CardLogEntry entry;
    entry.row_id = sqlite3_column_int64(statement, 0);
    entry.id = column_text(statement, 1);
    entry.title = column_text(statement, 2);
    entry.source = column_text(statement, 3);
    entry.stance = column_text(statement, 4);
    entry.vote = column_text(statement, 5);
    entry.cost_usd = sqlite3_column_double(statement, 6);
    entry.created_at = sqlite3_column_int64(statement, 7);
    entry.card_json = column_text(statement, 8);
    return entry;
}

constexpr std::string_view k_card_columns =
    "row_id, id, title, source, stance, vote, cost_usd, created_at, card_json";

// Returns the card at `row_id`, nullopt if there is none, or the database's reason.
Result<std::optional<CardLogEntry>> card_by_row(sqlite3* db, std::int64_t row_id) {
    auto statement =
        prepare(db, fmt::format("SELECT {} FROM cards WHERE row_id = ?1", k_card_columns));
    if (!statement) {
        return std::unexpected(statement.error());
    }
    sqlite3_bind_int64(statement->get(), 1, row_id);
    const int rc = sqlite3_step(statement->get());
    if (rc == SQLITE_ROW) {
        return read_card(statement->get());
    }
    if (rc != SQLITE_DONE) {
        return std::unexpected(db_error(db));
    }
    return std::optional<CardLogEntry>{};
}

// Parses a row id written as 1 to 18 decimal digits; nullopt otherwise.
std::optional<std::int64_t> parse_row_id(std::string_view text) {
    if (text.empty() || text.size() > 18 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    for (char c : text) {
        value = value * 10 + (c - '0');
    }
    return value;
}

std::int64_t system_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// Returns the size of `path` in bytes, 0 if it does not exist.
std::int64_t size_of(const std::string& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 ? static_cast<std::int64_t>(info.st_size) : 0;
}

// Returns the bytes on disk of the database at `path` with its WAL (the shared-memory
// index beside them is a fixed 32 KiB that goes with the last connection).
std::int64_t file_bytes(const std::string& path) {
    return size_of(path) + size_of(path + "-wal");
}

// Returns the bytes of the database's pages in use (not on the free list).
Result<std::int64_t> data_bytes(sqlite3* db) {
    auto pages = query_int(db, "PRAGMA page_count");
    auto free_pages = query_int(db, "PRAGMA freelist_count");
    auto page_size = query_int(db, "PRAGMA page_size");
    if (!pages || !free_pages || !page_size) {
        return std::unexpected(!pages        ? pages.error()
                               : !free_pages ? free_pages.error()
                                             : page_size.error());
    }
    return (*pages - *free_pages) * *page_size;
}

// Formats `t` as a compact UTC time for file names: 20250102T030405Z.
std::string file_time(std::int64_t t) {
    const auto tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
    return buffer;
}

// Which file a connection was opened on, to tell it from one another process put in its place.
struct FileId {
    dev_t device = 0;
    ino_t inode = 0;
    bool operator==(const FileId&) const = default;
};

std::optional<FileId> file_id(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        return std::nullopt;
    }
    return FileId{info.st_dev, info.st_ino};
}

// Holds an exclusive flock on a folder for its lifetime (best effort: without the
// lock, two processes healing at once may both move files, which loses nothing).
class FolderLock {
public:
    explicit FolderLock(const fs::path& folder)
        : m_fd(::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
        if (m_fd >= 0) {
            while (::flock(m_fd, LOCK_EX) != 0 && errno == EINTR) {
            }
        }
    }
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;
    ~FolderLock() {
        if (m_fd >= 0) {
            ::close(m_fd); // releases the lock
        }
    }

private:
    int m_fd;
};

// Moves the damaged database at `path` (and its WAL) aside as PATH.corrupt-<time>,
// unless the file there is no longer `damaged` (another process already replaced
// it). Returns the new name, "" when nothing was moved, or the reason it failed.
std::expected<std::string, std::string>
move_aside(const std::string& path, const std::optional<FileId>& damaged, std::int64_t now) {
    const FolderLock lock(fs::path(path).parent_path());
    const auto current = file_id(path);
    if (!current || (damaged && *current != *damaged)) {
        return std::string();
    }
    std::string target = fmt::format("{}.corrupt-{}", path, file_time(now));
    for (int n = 1; size_of(target) > 0 || ::access(target.c_str(), F_OK) == 0; ++n) {
        target = fmt::format("{}.corrupt-{}-{}", path, file_time(now), n);
    }
    if (::rename(path.c_str(), target.c_str()) != 0) {
        return std::unexpected(fmt::format("cannot move {} aside: {}", path, std::strerror(errno)));
    }
    // The WAL holds the newest pages: it goes with the file (SQLite finds it as <name>-wal).
    // The shared-memory index is rebuilt from it, so it is dropped.
    (void)::rename((path + "-wal").c_str(), (target + "-wal").c_str());
    (void)::unlink((path + "-shm").c_str());
    return target;
}

// Creates the missing folders of `folder` with mode 0700, whatever the umask (the XDG
// rule for a cache folder); returns the reason if one cannot be made.
std::expected<void, std::string> make_private_folders(const fs::path& folder) {
    std::vector<fs::path> missing;
    for (fs::path p = folder; !p.empty(); p = p.parent_path()) {
        struct stat info {};
        if (::stat(p.c_str(), &info) == 0) {
            break;
        }
        missing.push_back(p);
        if (p == p.parent_path()) {
            break;
        }
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
        if (::mkdir(it->c_str(), 0700) != 0) {
            if (errno == EEXIST) {
                continue; // made by another process meanwhile
            }
            return std::unexpected(
                fmt::format("cannot create folder {}: {}", it->string(), std::strerror(errno)));
        }
        (void)::chmod(it->c_str(), 0700);
    }
    if (!folder.empty()) {
        struct stat info {};
        if (::stat(folder.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
            return std::unexpected(fmt::format("cannot create folder {}: {}", folder.string(),
                                               std::strerror(ENOTDIR)));
        }
    }
    return {};
}

// Creates the database file empty with mode 0600 unless it exists, so SQLite (which
// gives its WAL, shared-memory and journal files the database's mode) never makes it
// with the umask's mode; returns the reason if it cannot be created.
std::expected<void, std::string> make_private_file(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            return {};
        }
        return std::unexpected(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
    }
    (void)::fchmod(fd, 0600);
    ::close(fd);
    return {};
}

// Quotes `text` for a POSIX shell when it holds anything but plain path characters.
std::string shell_quote(const std::string& text) {
    const bool plain = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
               std::string_view("/._-+~,:@").find(c) != std::string_view::npos;
    });
    if (plain) {
        return text;
    }
    std::string quoted = "'";
    for (char c : text) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

} // namespace

struct Store::Impl {
    std::string path;
    OpenOptions options;
    sqlite3* db = nullptr;
    std::optional<FileId> id;      // the file `db` was opened on
    std::int64_t rows_written = 0; // replies and cards written since open: widens enforce()'s step
    std::string closed_reason = "the store is closed";
    std::mutex mutex; // serializes use of `db`, transactions included

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() { close(); }

    void close() {
        sqlite3_close_v2(db);
        db = nullptr;
    }

    std::int64_t now() const { return options.clock ? options.clock() : system_now(); }

    void notify(const std::string& message) const {
        if (options.notify) {
            options.notify(message);
        }
    }

    // Opens and configures the connection (creating the file when `create`); leaves `db`
    // null on failure.
    Result<void> connect(bool create) {
        close();
        int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
        if (create) {
            flags |= SQLITE_OPEN_CREATE;
        }
        const int rc = sqlite3_open_v2(path.c_str(), &db, flags,
                                       options.vfs.empty() ? nullptr : options.vfs.c_str());
        if (rc != SQLITE_OK) {
            DbError error = db_error(db);
            close();
            return std::unexpected(error);
        }
        if (auto configured = configure(db); !configured) {
            close();
            return configured;
        }
        id = file_id(path);
        return {};
    }

    // Closes the connection, moves the damaged file aside (telling the user once,
    // with `reason`) and connects to a fresh one; returns whether it could.
    bool heal(const std::string& reason) {
        const std::optional<FileId> damaged = db != nullptr ? id : file_id(path);
        close();
        auto moved = move_aside(path, damaged, now());
        if (!moved) {
            closed_reason = moved.error();
            notify(fmt::format("the store {} is damaged ({}) and {}", path, reason, moved.error()));
            return false;
        }
        if (!moved->empty()) {
            notify(fmt::format("the store {} was damaged ({}); moved it aside to {} and started a "
                               "new one",
                               path, reason, *moved));
        }
        // A store was there: its replacement is made even when opening may not create one.
        (void)make_private_file(path);
        if (auto connected = connect(true); !connected) {
            closed_reason = connected.error().message;
            return false;
        }
        return true;
    }

    // Runs op(db); when the file turns out damaged, heals it and runs op once more.
    template <class Op> auto healing(Op&& op) -> decltype(op(db)) {
        if (db == nullptr) {
            return std::unexpected(DbError{SQLITE_MISUSE, closed_reason});
        }
        auto result = op(db);
        if (!result && is_damage(result.error().code) && heal(result.error().message)) {
            result = op(db);
        }
        return result;
    }

    // Runs PRAGMA quick_check; returns its first complaint, or the database's reason
    // (a damage code when the check could not even read the file).
    Result<void> quick_check() {
        auto statement = prepare(db, "PRAGMA quick_check(1)");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        const int rc = sqlite3_step(statement->get());
        if (rc != SQLITE_ROW) {
            return std::unexpected(db_error(db));
        }
        const std::string answer = column_text(statement->get(), 0);
        if (answer != "ok") {
            return std::unexpected(DbError{SQLITE_CORRUPT, answer});
        }
        return {};
    }
};

Store::Store(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

std::expected<Store, std::string> Store::open(const std::string& path, const OpenOptions& options) {
    const auto fail = [&path](const std::string& reason) {
        return std::unexpected(fmt::format("cannot open database {}: {}", path, reason));
    };
    if (!options.create && ::access(path.c_str(), F_OK) != 0) {
        return fail("no such file");
    }
    if (options.create) {
        if (auto made = make_private_folders(fs::path(path).parent_path()); !made) {
            return fail(made.error());
        }
        if (auto made = make_private_file(path); !made) {
            return fail(made.error());
        }
    }
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->options = options;
    auto connected = impl->connect(options.create);
    if (!connected && is_damage(connected.error().code)) {
        if (!impl->heal(connected.error().message)) {
            return fail(impl->closed_reason);
        }
        connected = {};
    }
    if (!connected) {
        // SQLite names the last file it tried (often the missing -shm); say why instead.
        struct statvfs info {};
        const fs::path folder = fs::path(path).parent_path();
        if (::statvfs(folder.empty() ? "." : folder.c_str(), &info) == 0 &&
            (info.f_flag & ST_RDONLY) != 0) {
            return fail("read-only file system");
        }
        return fail(connected.error().message);
    }
    if (options.check_integrity) {
        if (auto checked = impl->quick_check(); !checked && !impl->heal(checked.error().message)) {
            return fail(impl->closed_reason);
        }
    }
    if (auto warning = exposure_warning(path)) {
        impl->notify(*warning);
    }
    return Store(std::move(impl));
}

std::string Store::default_path() {
    const auto from_env = [](const char* name) -> std::optional<fs::path> {
        const char* value = std::getenv(name);
        if (value == nullptr || *value == '\0') {
            return std::nullopt;
        }
        fs::path folder(value);
        if (!folder.is_absolute()) { // the XDG spec says to ignore relative paths
            return std::nullopt;
        }
        return folder;
    };
    fs::path cache;
    if (auto xdg = from_env("XDG_CACHE_HOME")) {
        cache = *xdg;
    } else if (auto home = from_env("HOME")) {
        cache = *home / ".cache";
    } else {
        cache = ".cache";
    }
    return (cache / "roundtable" / "roundtable.db").string();
}

std::optional<std::string> Store::exposure_warning(const std::string& path) {
    const fs::path folder = fs::path(path).parent_path();
    const std::string folder_name = folder.empty() ? std::string(".") : folder.string();
    std::vector<std::string> open;
    struct stat info {};
    if (::stat(folder_name.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
        open.push_back(fmt::format("folder {:04o}", info.st_mode & 07777));
    }
    // SQLite gives the WAL, shared-memory and journal files the database's mode: they
    // are named only when they are open and the database is not (left by an older run).
    bool database_open = false;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        const std::string file = path + suffix;
        if (::stat(file.c_str(), &info) != 0 || (info.st_mode & 077) == 0) {
            continue;
        }
        if (*suffix == '\0') {
            database_open = true;
        } else if (database_open) {
            continue;
        }
        open.push_back(
            fmt::format("{} {:04o}", fs::path(file).filename().string(), info.st_mode & 07777));
    }
    if (open.empty()) {
        return std::nullopt;
    }
    return fmt::format("the store {} is open to other users ({}); fix: chmod 700 {} && chmod 600 "
                       "{}*",
                       path, fmt::join(open, ", "), shell_quote(folder_name), shell_quote(path));
}

const std::string& Store::path() const {
    static const std::string k_none;
    return m_impl ? m_impl->path : k_none;
}

std::int64_t Store::now() const {
    return m_impl ? m_impl->now() : system_now();
}

std::string Store::cache_key(std::string_view provider, std::string_view model,
                             std::string_view base_url, std::string_view request_body) {
    std::string input = "roundtable-reply-v1\n";
    for (std::string_view field : {provider, model, base_url, request_body}) {
        input += fmt::format("{}:", field.size());
        input += field;
        input += '\n';
    }
    return util::sha256_hex(input);
}

std::optional<CachedReply> Store::get_reply(const std::string& key) const {
    if (!m_impl) {
        return std::nullopt;
    }
    const std::lock_guard lock(m_impl->mutex);
    const std::int64_t max_age = m_impl->options.reply_max_age_s;
    const std::int64_t cutoff =
        max_age > 0 ? m_impl->now() - max_age : std::numeric_limits<std::int64_t>::min();
    auto found = m_impl->healing([&](sqlite3* db) -> Result<std::optional<CachedReply>> {
        auto statement = prepare(db, "SELECT text, model, finish_reason, request_id, "
                                     "input_tokens, output_tokens, cached_tokens, "
                                     "cache_write_tokens, created_at, reasoning_tokens, "
                                     "billed_ticks "
                                     "FROM replies WHERE key = ?1 AND created_at >= ?2");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_stmt* s = statement->get();
        bind_text(s, 1, key);
        sqlite3_bind_int64(s, 2, cutoff);
        const int rc = sqlite3_step(s);
        if (rc == SQLITE_DONE) {
            return std::optional<CachedReply>{};
        }
        if (rc != SQLITE_ROW) {
            return std::unexpected(db_error(db));
        }
        CachedReply reply;
        reply.text = column_text(s, 0);
        reply.model = column_text(s, 1);
        reply.finish_reason = column_text(s, 2);
        reply.request_id = column_text(s, 3);
        reply.input_tokens = sqlite3_column_int64(s, 4);
        reply.output_tokens = sqlite3_column_int64(s, 5);
        reply.cached_tokens = sqlite3_column_int64(s, 6);
        reply.cache_write_tokens = sqlite3_column_int64(s, 7);
        reply.created_at = sqlite3_column_int64(s, 8);
        reply.reasoning_tokens = sqlite3_column_int64(s, 9);
        reply.billed_ticks = sqlite3_column_int64(s, 10);
        return reply;
    });
    return found ? std::move(*found) : std::nullopt;
}

std::expected<void, std::string> Store::put_reply(const std::string& key,
                                                  const CachedReply& reply) {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    auto stored = m_impl->healing([&](sqlite3* db) -> Result<void> {
        WriteTransaction transaction(db);
        if (auto begun = transaction.begin(); !begun) {
            return begun;
        }
        auto statement = prepare(db, "INSERT OR REPLACE INTO replies (key, text, model, "
                                     "finish_reason, request_id, input_tokens, output_tokens, "
                                     "cached_tokens, cache_write_tokens, created_at, "
                                     "reasoning_tokens, billed_ticks) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_stmt* s = statement->get();
        bind_text(s, 1, key);
        bind_text(s, 2, reply.text);
        bind_text(s, 3, reply.model);
        bind_text(s, 4, reply.finish_reason);
        bind_text(s, 5, reply.request_id);
        sqlite3_bind_int64(s, 6, reply.input_tokens);
        sqlite3_bind_int64(s, 7, reply.output_tokens);
        sqlite3_bind_int64(s, 8, reply.cached_tokens);
        sqlite3_bind_int64(s, 9, reply.cache_write_tokens);
        sqlite3_bind_int64(s, 10, reply.created_at);
        sqlite3_bind_int64(s, 11, reply.reasoning_tokens);
        sqlite3_bind_int64(s, 12, reply.billed_ticks);
        if (auto done = run(db, s); !done) {
            return done;
        }
        statement->reset(); // finalize before COMMIT
        return transaction.commit();
    });
    if (!stored) {
        return std::unexpected(stored.error().message);
    }
    ++m_impl->rows_written;
    return {};
}

std::size_t Store::reply_count() const {
    if (!m_impl) {
        return 0;
    }
    const std::lock_guard lock(m_impl->mutex);
    auto count =
        m_impl->healing([](sqlite3* db) { return query_int(db, "SELECT count(*) FROM replies"); });
    return count ? static_cast<std::size_t>(*count) : 0;
}

std::expected<void, std::string> Store::clear_replies() {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    auto cleared = m_impl->healing([](sqlite3* db) -> Result<void> {
        WriteTransaction transaction(db);
        if (auto begun = transaction.begin(); !begun) {
            return begun;
        }
        if (auto done = exec(db, "DELETE FROM replies"); !done) {
            return done;
        }
        return transaction.commit();
    });
    if (!cleared) {
        return std::unexpected(cleared.error().message);
    }
    return {};
}

std::expected<std::int64_t, std::string> Store::log_card(const CardLogEntry& entry) {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    auto logged = m_impl->healing([&entry](sqlite3* db) -> Result<std::int64_t> {
        WriteTransaction transaction(db);
        if (auto begun = transaction.begin(); !begun) {
            return std::unexpected(begun.error());
        }
        auto statement =
            prepare(db, "INSERT INTO cards (id, title, source, stance, vote, cost_usd, "
                        "created_at, card_json) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_stmt* s = statement->get();
        bind_text(s, 1, entry.id);
        bind_text(s, 2, entry.title);
        bind_text(s, 3, entry.source);
        bind_text(s, 4, entry.stance);
        bind_text(s, 5, entry.vote);
        sqlite3_bind_double(s, 6, entry.cost_usd);
        sqlite3_bind_int64(s, 7, entry.created_at);
        bind_text(s, 8, entry.card_json);
        if (auto done = run(db, s); !done) {
            return std::unexpected(done.error());
        }
        const std::int64_t row_id = sqlite3_last_insert_rowid(db);
        statement->reset(); // finalize before COMMIT
        if (auto committed = transaction.commit(); !committed) {
            return std::unexpected(committed.error());
        }
        return row_id;
    });
    if (!logged) {
        return std::unexpected(logged.error().message);
    }
    ++m_impl->rows_written;
    return *logged;
}

std::expected<std::vector<CardLogEntry>, std::string> Store::recent_cards(std::size_t limit,
                                                                          bool with_json) const {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    auto cards = m_impl->healing([&](sqlite3* db) -> Result<std::vector<CardLogEntry>> {
        auto statement = prepare(db, "SELECT row_id, id, title, source, stance, vote, cost_usd, "
                                     "created_at, CASE WHEN ?2 THEN card_json ELSE '' END "
                                     "FROM cards ORDER BY row_id DESC LIMIT ?1");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_stmt* s = statement->get();
        constexpr auto k_max = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());
        sqlite3_bind_int64(s, 1, static_cast<std::int64_t>(std::min(limit, k_max)));
        sqlite3_bind_int(s, 2, with_json ? 1 : 0);
        std::vector<CardLogEntry> found;
        int rc = SQLITE_ROW;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            found.push_back(read_card(s));
        }
        if (rc != SQLITE_DONE) {
            return std::unexpected(db_error(db));
        }
        return found;
    });
    if (!cards) {
        return std::unexpected(cards.error().message);
    }
    return std::move(*cards);
}

std::expected<CardLogEntry, std::string> Store::find_card(const std::string& id_or_prefix) const {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    const std::string no_match = fmt::format("no card matches '{}'", id_or_prefix);
    // Errors of the search itself (no match, ambiguous) are values of the inner expected.
    using Found = std::expected<CardLogEntry, std::string>;
    auto found = m_impl->healing([&](sqlite3* db) -> Result<Found> {
        if (auto row_id = parse_row_id(id_or_prefix)) {
            auto card = card_by_row(db, *row_id);
            if (!card) {
                return std::unexpected(card.error());
            }
            if (*card) {
                return Found(std::move(**card));
            }
        }

        // Each id that matches exactly or by prefix, with its newest row.
        auto statement = prepare(db, "SELECT id, max(row_id), id = ?1 FROM cards "
                                     "WHERE id = ?1 OR (?2 AND substr(id, 1, length(?1)) = ?1) "
                                     "GROUP BY id ORDER BY 3 DESC");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_stmt* s = statement->get();
        bind_text(s, 1, id_or_prefix);
        sqlite3_bind_int(s, 2, id_or_prefix.size() >= k_min_prefix ? 1 : 0);
        std::size_t matches = 0;
        std::int64_t newest = 0;
        bool exact = false;
        int rc = SQLITE_ROW;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            if (matches == 0) {
                newest = sqlite3_column_int64(s, 1);
                exact = sqlite3_column_int(s, 2) != 0;
            }
            ++matches;
        }
        if (rc != SQLITE_DONE) {
            return std::unexpected(db_error(db));
        }
        if (matches == 0) {
            return Found(std::unexpected(no_match));
        }
        if (matches > 1 && !exact) {
            return Found(std::unexpected(
                fmt::format("'{}' matches {} cards; give more characters", id_or_prefix, matches)));
        }
        auto card = card_by_row(db, newest);
        if (!card) {
            return std::unexpected(card.error());
        }
        if (!*card) {
            return Found(std::unexpected(no_match));
        }
        return Found(std::move(**card));
    });
    if (!found) {
        return std::unexpected(found.error().message);
    }
    return std::move(*found);
}

std::expected<void, std::string> Store::record_run(std::int64_t hits, std::int64_t misses) {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    const std::int64_t at = m_impl->now();
    auto recorded = m_impl->healing([&](sqlite3* db) -> Result<void> {
        WriteTransaction transaction(db);
        if (auto begun = transaction.begin(); !begun) {
            return begun;
        }
        auto statement =
            prepare(db, "INSERT INTO cache_runs (at, hits, misses) VALUES (?1, ?2, ?3)");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_bind_int64(statement->get(), 1, at);
        sqlite3_bind_int64(statement->get(), 2, hits);
        sqlite3_bind_int64(statement->get(), 3, misses);
        if (auto done = run(db, statement->get()); !done) {
            return done;
        }
        statement->reset();
        const std::string trim =
            fmt::format("DELETE FROM cache_runs WHERE row_id <= (SELECT row_id FROM cache_runs "
                        "ORDER BY row_id DESC LIMIT 1 OFFSET {})",
                        k_kept_runs);
        if (auto done = exec(db, trim.c_str()); !done) {
            return done;
        }
        return transaction.commit();
    });
    if (!recorded) {
        return std::unexpected(recorded.error().message);
    }
    return {};
}

std::expected<std::vector<RunStats>, std::string> Store::recent_runs(std::size_t limit) const {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    auto runs = m_impl->healing([limit](sqlite3* db) -> Result<std::vector<RunStats>> {
        auto statement =
            prepare(db, "SELECT at, hits, misses FROM cache_runs ORDER BY row_id DESC LIMIT ?1");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_stmt* s = statement->get();
        sqlite3_bind_int64(s, 1, static_cast<std::int64_t>(std::min<std::size_t>(limit, 1000)));
        std::vector<RunStats> found;
        int rc = SQLITE_ROW;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            found.push_back({sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1),
                             sqlite3_column_int64(s, 2)});
        }
        if (rc != SQLITE_DONE) {
            return std::unexpected(db_error(db));
        }
        return found;
    });
    if (!runs) {
        return std::unexpected(runs.error().message);
    }
    return std::move(*runs);
}

std::expected<Summary, std::string> Store::summary() const {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    const std::string& path = m_impl->path;
    auto summary = m_impl->healing([&path](sqlite3* db) -> Result<Summary> {
        Summary out;
        out.path = path;
        auto bytes = data_bytes(db);
        if (!bytes) {
            return std::unexpected(bytes.error());
        }
        out.data_bytes = *bytes;
        auto statement =
            prepare(db, "SELECT (SELECT count(*) FROM replies), (SELECT min(created_at) FROM "
                        "replies), (SELECT max(created_at) FROM replies), (SELECT count(*) FROM "
                        "cards), (SELECT min(created_at) FROM cards), (SELECT max(created_at) "
                        "FROM cards)");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_stmt* s = statement->get();
        if (sqlite3_step(s) != SQLITE_ROW) {
            return std::unexpected(db_error(db));
        }
        out.replies = sqlite3_column_int64(s, 0);
        out.oldest_reply = column_optional(s, 1);
        out.newest_reply = column_optional(s, 2);
        out.cards = sqlite3_column_int64(s, 3);
        out.oldest_card = column_optional(s, 4);
        out.newest_card = column_optional(s, 5);
        return out;
    });
    if (!summary) {
        return std::unexpected(summary.error().message);
    }
    summary->file_bytes = file_bytes(path);
    return std::move(*summary);
}

namespace {

// Deletes up to `limit` rows of `table` (replies or cards) created before `cutoff`,
// oldest first, in transactions of k_chunk_rows; returns how many went.
Result<std::int64_t> delete_older(sqlite3* db, std::string_view table, std::string_view key,
                                  std::int64_t cutoff, std::int64_t limit) {
    const std::string sql = fmt::format("DELETE FROM {0} WHERE {1} IN (SELECT {1} FROM {0} "
                                        "WHERE created_at < ?1 ORDER BY created_at LIMIT ?2)",
                                        table, key);
    // A read first: with nothing to delete (the usual case) no write transaction is opened.
    auto probe =
        prepare(db, fmt::format("SELECT EXISTS (SELECT 1 FROM {} WHERE created_at < ?1)", table));
    if (!probe) {
        return std::unexpected(probe.error());
    }
    sqlite3_bind_int64(probe->get(), 1, cutoff);
    if (sqlite3_step(probe->get()) != SQLITE_ROW) {
        return std::unexpected(db_error(db));
    }
    if (sqlite3_column_int(probe->get(), 0) == 0) {
        return 0;
    }
    probe->reset();
    std::int64_t removed = 0;
    while (removed < limit) {
        const std::int64_t chunk = std::min(k_chunk_rows, limit - removed);
        WriteTransaction transaction(db);
        if (auto begun = transaction.begin(); !begun) {
            return std::unexpected(begun.error());
        }
        auto statement = prepare(db, sql);
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_bind_int64(statement->get(), 1, cutoff);
        sqlite3_bind_int64(statement->get(), 2, chunk);
        if (auto done = run(db, statement->get()); !done) {
            return std::unexpected(done.error());
        }
        const std::int64_t changed = sqlite3_changes64(db);
        statement->reset();
        if (auto committed = transaction.commit(); !committed) {
            return std::unexpected(committed.error());
        }
        removed += changed;
        if (changed < chunk) {
            break;
        }
    }
    return removed;
}

// Deletes the oldest rows of `table` whose sizes add up to `excess` bytes (at most
// k_chunk_rows), in one transaction; returns how many went (0: the table is empty).
Result<std::int64_t> delete_oldest(sqlite3* db, std::string_view table, std::string_view key,
                                   std::string_view size_expr, std::int64_t excess,
                                   std::int64_t limit) {
    WriteTransaction transaction(db);
    if (auto begun = transaction.begin(); !begun) {
        return std::unexpected(begun.error());
    }
    auto pick = prepare(db, fmt::format("SELECT {}, {} FROM {} ORDER BY created_at LIMIT ?1", key,
                                        size_expr, table));
    if (!pick) {
        return std::unexpected(pick.error());
    }
    sqlite3_bind_int64(pick->get(), 1, std::min(k_chunk_rows, limit));
    auto drop = prepare(db, fmt::format("DELETE FROM {} WHERE {} = ?1", table, key));
    if (!drop) {
        return std::unexpected(drop.error());
    }
    std::int64_t removed = 0;
    std::int64_t freed = 0;
    int rc = SQLITE_ROW;
    std::vector<std::string> keys;
    while (freed < excess && (rc = sqlite3_step(pick->get())) == SQLITE_ROW) {
        keys.push_back(column_text(pick->get(), 0));
        freed += sqlite3_column_int64(pick->get(), 1);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        return std::unexpected(db_error(db));
    }
    pick->reset();
    for (const std::string& k : keys) {
        sqlite3_reset(drop->get());
        bind_text(drop->get(), 1, k);
        if (auto done = run(db, drop->get()); !done) {
            return std::unexpected(done.error());
        }
        ++removed;
    }
    drop->reset();
    if (auto committed = transaction.commit(); !committed) {
        return std::unexpected(committed.error());
    }
    return removed;
}

// Returns the free pages to the file system and checkpoints the WAL, so the file
// shrinks: `wait` waits for readers (TRUNCATE, which also empties the WAL), otherwise
// the checkpoint copies what it can without waiting (PASSIVE).
Result<void> give_back_space(sqlite3* db, bool wait) {
    auto free_pages = query_int(db, "PRAGMA freelist_count");
    if (!free_pages) {
        return std::unexpected(free_pages.error());
    }
    if (*free_pages == 0 && !wait) {
        return {}; // nothing freed: nothing to give back, no checkpoint to force
    }
    if (*free_pages > 0) {
        if (auto done = exec(db, "PRAGMA incremental_vacuum"); !done) {
            return done;
        }
    }
    (void)sqlite3_wal_checkpoint_v2(db, nullptr,
                                    wait ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE,
                                    nullptr, nullptr);
    return {};
}

} // namespace

std::expected<PruneReport, std::string> Store::enforce(const Limits& limits, Effort effort) {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    Impl& impl = *m_impl;
    PruneReport report;
    report.file_bytes_before = file_bytes(impl.path);
    const std::int64_t now = impl.now();

    // Once a week, a quick_check; a damaged file is replaced before anything else.
    auto last_check = impl.healing([](sqlite3* db) {
        return query_int(db, "SELECT value FROM meta WHERE key = 'checked_at'");
    });
    if (last_check && now - *last_check >= k_check_interval_s && impl.db != nullptr) {
        auto checked = impl.quick_check();
        if (!checked && !impl.heal(checked.error().message)) {
            return std::unexpected(impl.closed_reason);
        }
        if (impl.db != nullptr) {
            const std::string set = fmt::format(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('checked_at', {})", now);
            (void)exec(impl.db, set.c_str());
        }
    }

    // A run's step removes at least twice what it wrote, so a store at its cap stays there.
    const std::int64_t budget = effort == Effort::incremental
                                    ? k_incremental_rows + 2 * impl.rows_written
                                    : std::numeric_limits<std::int64_t>::max();
    auto pruned = impl.healing([&](sqlite3* db) -> Result<void> {
        const auto left = [&] { return budget - report.replies_removed - report.cards_removed; };
        if (limits.reply_max_age_s > 0) {
            auto removed = delete_older(db, "replies", "key", now - limits.reply_max_age_s, left());
            if (!removed) {
                return std::unexpected(removed.error());
            }
            report.replies_removed += *removed;
        }
        if (limits.card_max_age_s > 0 && left() > 0) {
            auto removed = delete_older(db, "cards", "row_id", now - limits.card_max_age_s, left());
            if (!removed) {
                return std::unexpected(removed.error());
            }
            report.cards_removed += *removed;
        }
        while (limits.max_bytes > 0 && left() > 0) {
            auto used = data_bytes(db);
            if (!used) {
                return std::unexpected(used.error());
            }
            if (*used <= limits.max_bytes) {
                break;
            }
            const std::int64_t excess = *used - limits.max_bytes;
            auto removed =
                delete_oldest(db, "replies", "key",
                              "length(CAST(text AS BLOB)) + length(key) + 100", excess, left());
            if (!removed) {
                return std::unexpected(removed.error());
            }
            report.replies_removed += *removed;
            if (*removed == 0) {
                removed = delete_oldest(db, "cards", "row_id",
                                        "length(CAST(card_json AS BLOB)) + length(title) + 100",
                                        excess, left());
                if (!removed) {
                    return std::unexpected(removed.error());
                }
                report.cards_removed += *removed;
                if (*removed == 0) {
                    break; // nothing left to remove: the rest is the schema
                }
            }
            // Freed pages count as free only once the deletes commit; the next loop sees them.
        }
        return give_back_space(db, effort == Effort::full);
    });
    if (!pruned) {
        return std::unexpected(pruned.error().message);
    }
    report.complete = report.replies_removed + report.cards_removed < budget;
    report.file_bytes_after = file_bytes(impl.path);
    return report;
}

std::expected<PruneReport, std::string> Store::clear() {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    PruneReport report;
    report.file_bytes_before = file_bytes(m_impl->path);
    auto cleared = m_impl->healing([&report](sqlite3* db) -> Result<void> {
        WriteTransaction transaction(db);
        if (auto begun = transaction.begin(); !begun) {
            return begun;
        }
        if (auto done = exec(db, "DELETE FROM replies"); !done) {
            return done;
        }
        report.replies_removed = sqlite3_changes64(db);
        if (auto done = exec(db, "DELETE FROM cards"); !done) {
            return done;
        }
        report.cards_removed = sqlite3_changes64(db);
        if (auto done = exec(db, "DELETE FROM cache_runs"); !done) {
            return done;
        }
        if (auto committed = transaction.commit(); !committed) {
            return committed;
        }
        return give_back_space(db, true);
    });
    if (!cleared) {
        return std::unexpected(cleared.error().message);
    }
    report.file_bytes_after = file_bytes(m_impl->path);
    return report;
}

std::expected<void, std::string> Store::check_integrity() {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    if (m_impl->db == nullptr) {
        return std::unexpected(m_impl->closed_reason);
    }
    auto checked = m_impl->quick_check();
    if (!checked) {
        (void)m_impl->heal(checked.error().message);
        return std::unexpected(checked.error().message);
    }
    return {};
}

namespace {

constexpr const char* k_job_columns =
    "row_id, run_id, seat, provider, base_url, job_id, pass, state, ended, collected, requests, "
    "succeeded, failed, submitted_at, updated_at";

BatchJob job_of(sqlite3_stmt* s) {
    BatchJob job;
    job.row_id = sqlite3_column_int64(s, 0);
    job.run_id = column_text(s, 1);
    job.seat = column_text(s, 2);
    job.provider = column_text(s, 3);
    job.base_url = column_text(s, 4);
    job.job_id = column_text(s, 5);
    job.pass = sqlite3_column_int(s, 6);
    job.state = column_text(s, 7);
    job.ended = sqlite3_column_int(s, 8) != 0;
    job.collected = sqlite3_column_int(s, 9) != 0;
    job.requests = sqlite3_column_int64(s, 10);
    job.succeeded = sqlite3_column_int64(s, 11);
    job.failed = sqlite3_column_int64(s, 12);
    job.submitted_at = sqlite3_column_int64(s, 13);
    job.updated_at = sqlite3_column_int64(s, 14);
    return job;
}

BatchRun run_of(sqlite3_stmt* s) {
    return {column_text(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
            column_text(s, 3), column_text(s, 4)};
}

// Steps `s` to its end, turning each row into a T with `read`.
template <class T, class Read>
Result<std::vector<T>> rows_of(sqlite3* db, sqlite3_stmt* s, Read read) {
    std::vector<T> found;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        found.push_back(read(s));
    }
    if (rc != SQLITE_DONE) {
        return std::unexpected(db_error(db));
    }
    return found;
}

} // namespace

// Runs `op(db)` under the store's mutex with healing; the error as its message.
template <class ImplPtr, class Op>
auto with_store(const ImplPtr& impl, Op&& op)
    -> std::expected<typename decltype(op(nullptr))::value_type, std::string> {
    if (!impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(impl->mutex);
    auto result = impl->healing(std::forward<Op>(op));
    if (!result) {
        return std::unexpected(result.error().message);
    }
    if constexpr (std::is_void_v<typename decltype(op(nullptr))::value_type>) {
        return {};
    } else {
        return std::move(*result);
    }
}

std::expected<void, std::string> Store::add_batch_run(const BatchRun& batch_run) {
    return with_store(m_impl, [&](sqlite3* db) -> Result<void> {
        auto statement = prepare(db, "INSERT INTO batch_runs (id, created_at, updated_at, state, "
                                     "options) VALUES (?1, ?2, ?3, ?4, ?5)");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_stmt* s = statement->get();
        bind_text(s, 1, batch_run.id);
        sqlite3_bind_int64(s, 2, batch_run.created_at);
        sqlite3_bind_int64(s, 3, batch_run.updated_at);
        bind_text(s, 4, batch_run.state);
        bind_text(s, 5, batch_run.options);
        return run(db, s);
    });
}

std::expected<void, std::string> Store::set_batch_run_state(const std::string& id,
                                                            const std::string& state) {
    const std::int64_t at = now();
    return with_store(m_impl, [&](sqlite3* db) -> Result<void> {
        auto statement =
            prepare(db, "UPDATE batch_runs SET state = ?2, updated_at = ?3 WHERE id = ?1");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_stmt* s = statement->get();
        bind_text(s, 1, id);
        bind_text(s, 2, state);
        sqlite3_bind_int64(s, 3, at);
        return run(db, s);
    });
}

std::expected<BatchRun, std::string> Store::find_batch_run(const std::string& id_or_prefix) const {
    auto found = with_store(m_impl, [&](sqlite3* db) -> Result<std::vector<BatchRun>> {
        auto statement = prepare(db, "SELECT id, created_at, updated_at, state, options FROM "
                                     "batch_runs WHERE substr(id, 1, length(?1)) = ?1 LIMIT 50");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        bind_text(statement->get(), 1, id_or_prefix);
        return rows_of<BatchRun>(db, statement->get(), run_of);
    });
    if (!found) {
        return std::unexpected(found.error());
    }
    for (auto& r : *found) {
        if (r.id == id_or_prefix) {
            return std::move(r);
        }
    }
    if (found->empty() || id_or_prefix.empty()) {
        return std::unexpected(fmt::format("no batch run matches '{}'", id_or_prefix));
    }
    if (found->size() > 1) {
        return std::unexpected(
            fmt::format("'{}' matches {} runs; give more characters", id_or_prefix, found->size()));
    }
    return std::move(found->front());
}

std::expected<std::vector<BatchRun>, std::string> Store::batch_runs(std::size_t limit) const {
    return with_store(m_impl, [&](sqlite3* db) -> Result<std::vector<BatchRun>> {
        auto statement = prepare(db, "SELECT id, created_at, updated_at, state, options FROM "
                                     "batch_runs ORDER BY created_at DESC, id DESC LIMIT ?1");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_bind_int64(statement->get(), 1,
                           static_cast<std::int64_t>(std::min<std::size_t>(limit, 100000)));
        return rows_of<BatchRun>(db, statement->get(), run_of);
    });
}

std::expected<std::int64_t, std::string>
Store::add_batch_job(const BatchJob& job, const std::vector<BatchRequest>& lines) {
    const std::int64_t at = now();
    return with_store(m_impl, [&](sqlite3* db) -> Result<std::int64_t> {
        WriteTransaction transaction(db);
        if (auto begun = transaction.begin(); !begun) {
            return std::unexpected(begun.error());
        }
        auto statement = prepare(
            db, "INSERT INTO batch_jobs (run_id, seat, provider, base_url, job_id, pass, state, "
                "ended, collected, requests, succeeded, failed, submitted_at, updated_at) VALUES "
                "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_stmt* s = statement->get();
        bind_text(s, 1, job.run_id);
        bind_text(s, 2, job.seat);
        bind_text(s, 3, job.provider);
        bind_text(s, 4, job.base_url);
        bind_text(s, 5, job.job_id);
        sqlite3_bind_int(s, 6, job.pass);
        bind_text(s, 7, job.state);
        sqlite3_bind_int(s, 8, job.ended ? 1 : 0);
        sqlite3_bind_int(s, 9, job.collected ? 1 : 0);
        sqlite3_bind_int64(s, 10, job.requests);
        sqlite3_bind_int64(s, 11, job.succeeded);
        sqlite3_bind_int64(s, 12, job.failed);
        sqlite3_bind_int64(s, 13, job.submitted_at != 0 ? job.submitted_at : at);
        if (auto done = run(db, s); !done) {
            return std::unexpected(done.error());
        }
        const std::int64_t row = sqlite3_last_insert_rowid(db);
        auto line = prepare(db, "INSERT OR REPLACE INTO batch_requests (job_row, custom_id, "
                                "cache_key) VALUES (?1, ?2, ?3)");
        if (!line) {
            return std::unexpected(line.error());
        }
        for (const auto& l : lines) {
            sqlite3_reset(line->get());
            sqlite3_bind_int64(line->get(), 1, row);
            bind_text(line->get(), 2, l.custom_id);
            bind_text(line->get(), 3, l.cache_key);
            if (auto done = run(db, line->get()); !done) {
                return std::unexpected(done.error());
            }
        }
        if (auto committed = transaction.commit(); !committed) {
            return std::unexpected(committed.error());
        }
        return row;
    });
}

std::expected<void, std::string> Store::update_batch_job(const BatchJob& job) {
    const std::int64_t at = now();
    return with_store(m_impl, [&](sqlite3* db) -> Result<void> {
        auto statement =
            prepare(db, "UPDATE batch_jobs SET state = ?2, ended = ?3, collected = ?4, "
                        "succeeded = ?5, failed = ?6, updated_at = ?7 WHERE row_id = ?1");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        sqlite3_stmt* s = statement->get();
        sqlite3_bind_int64(s, 1, job.row_id);
        bind_text(s, 2, job.state);
        sqlite3_bind_int(s, 3, job.ended ? 1 : 0);
        sqlite3_bind_int(s, 4, job.collected ? 1 : 0);
        sqlite3_bind_int64(s, 5, job.succeeded);
        sqlite3_bind_int64(s, 6, job.failed);
        sqlite3_bind_int64(s, 7, at);
        return run(db, s);
    });
}

std::expected<std::vector<BatchJob>, std::string>
Store::batch_jobs(const std::string& run_id) const {
    return with_store(m_impl, [&](sqlite3* db) -> Result<std::vector<BatchJob>> {
        auto statement =
            prepare(db, fmt::format("SELECT {} FROM batch_jobs WHERE run_id = ?1 ORDER BY row_id",
                                    k_job_columns));
        if (!statement) {
            return std::unexpected(statement.error());
        }
        bind_text(statement->get(), 1, run_id);
        return rows_of<BatchJob>(db, statement->get(), job_of);
    });
}

std::expected<std::vector<BatchRequest>, std::string>
Store::open_batch_requests(const std::string& run_id) const {
    return with_store(m_impl, [&](sqlite3* db) -> Result<std::vector<BatchRequest>> {
        auto statement =
            prepare(db, "SELECT r.job_row, r.custom_id, r.cache_key FROM batch_requests r JOIN "
                        "batch_jobs j ON j.row_id = r.job_row WHERE j.run_id = ?1 AND "
                        "j.collected = 0 ORDER BY r.job_row");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        bind_text(statement->get(), 1, run_id);
        return rows_of<BatchRequest>(db, statement->get(), [](sqlite3_stmt* s) {
            return BatchRequest{sqlite3_column_int64(s, 0), column_text(s, 1), column_text(s, 2)};
        });
    });
}

} // namespace roundtable::store
