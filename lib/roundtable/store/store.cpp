#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <iterator>
#include <limits>
#include <mutex>
#include <roundtable/store/store.hpp>
#include <roundtable/util/hash.hpp>
#include <sqlite3.h>
#include <system_error>
#include <thread>
#include <utility>

namespace roundtable::store {

namespace {

constexpr int k_busy_timeout_ms = 10000;
constexpr int k_busy_retries = 20;
constexpr std::size_t k_min_prefix = 6;

struct StatementDeleter {
    void operator()(sqlite3_stmt* statement) const noexcept { sqlite3_finalize(statement); }
};
using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;

bool is_busy(int rc) {
    const int primary = rc & 0xff;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

void back_off(int attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
}

std::string describe(sqlite3* db) {
    return db != nullptr ? std::string(sqlite3_errmsg(db)) : std::string("out of memory");
}

std::expected<Statement, std::string> prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
        SQLITE_OK) {
        sqlite3_finalize(raw);
        return std::unexpected(describe(db));
    }
    return Statement(raw);
}

// Runs `sql` (one or more statements without results), retrying while the database is busy.
std::expected<void, std::string> exec(sqlite3* db, const char* sql) {
    for (int attempt = 0;; ++attempt) {
        const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
        if (rc == SQLITE_OK) {
            return {};
        }
        if (!is_busy(rc) || attempt >= k_busy_retries) {
            return std::unexpected(describe(db));
        }
        back_off(attempt);
    }
}

// Steps a statement that returns no rows (or whose rows are ignored) to its end.
std::expected<void, std::string> run(sqlite3* db, sqlite3_stmt* statement) {
    int rc = SQLITE_ROW;
    while (rc == SQLITE_ROW) {
        rc = sqlite3_step(statement);
    }
    if (rc != SQLITE_DONE) {
        return std::unexpected(describe(db));
    }
    return {};
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

    std::expected<void, std::string> begin() {
        auto begun = exec(m_db, "BEGIN IMMEDIATE");
        m_open = begun.has_value();
        return begun;
    }

    std::expected<void, std::string> commit() {
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

// Returns PRAGMA user_version.
std::expected<int, std::string> user_version(sqlite3* db) {
    auto statement = prepare(db, "PRAGMA user_version");
    if (!statement) {
        return std::unexpected(statement.error());
    }
    if (sqlite3_step(statement->get()) != SQLITE_ROW) {
        return std::unexpected(describe(db));
    }
    return sqlite3_column_int(statement->get(), 0);
}

// The schema, one entry per version: entry i migrates version i to version i + 1.
constexpr const char* k_migrations[] = {
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
    // 1 -> 2: reasoning tokens of a reply (part of output_tokens), for the card's usage.
    R"sql(
ALTER TABLE replies ADD COLUMN reasoning_tokens INTEGER NOT NULL DEFAULT 0;
)sql",
};
static_assert(static_cast<int>(std::size(k_migrations)) == Store::k_schema_version);

// Brings the schema to k_schema_version inside one write transaction, so that two
// processes opening a fresh file at once migrate it exactly once.
std::expected<void, std::string> migrate(sqlite3* db) {
    auto version = user_version(db);
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
    version = user_version(db); // another process may have migrated meanwhile
    if (!version) {
        return std::unexpected(version.error());
    }
    if (*version > Store::k_schema_version) {
        return std::unexpected(fmt::format("schema version {} is newer than this roundtable's ({})",
                                           *version, Store::k_schema_version));
    }
    if (*version < 0) {
        return std::unexpected(fmt::format("unknown schema version {}", *version));
    }
    for (int step = *version; step < Store::k_schema_version; ++step) {
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

// Sets WAL mode (checking the answer: a read-only or in-memory file may refuse it),
// normal syncing and the busy timeout, then migrates.
std::expected<void, std::string> configure(sqlite3* db) {
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, k_busy_timeout_ms);
    for (int attempt = 0;; ++attempt) {
        auto statement = prepare(db, "PRAGMA journal_mode = WAL");
        if (!statement) {
            return std::unexpected(statement.error());
        }
        const int rc = sqlite3_step(statement->get());
        if (rc == SQLITE_ROW) {
            const std::string mode = column_text(statement->get(), 0);
            if (mode != "wal") {
                return std::unexpected(fmt::format("cannot switch to WAL mode (got '{}')", mode));
            }
            break;
        }
        if (!is_busy(rc) || attempt >= k_busy_retries) {
            return std::unexpected(describe(db));
        }
        back_off(attempt);
    }
    if (auto done = exec(db, "PRAGMA synchronous = NORMAL"); !done) {
        return done;
    }
    return migrate(db);
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
std::expected<std::optional<CardLogEntry>, std::string> card_by_row(sqlite3* db,
                                                                    std::int64_t row_id) {
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
        return std::unexpected(describe(db));
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

} // namespace

struct Store::Impl {
    std::string path;
    sqlite3* db = nullptr;
    std::mutex mutex; // serializes use of `db`, transactions included

    Impl() = default;
    Impl(const Impl&) = delete;
    Impl& operator=(const Impl&) = delete;
    ~Impl() { sqlite3_close_v2(db); }
};

Store::Store(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

std::expected<Store, std::string> Store::open(const std::string& path) {
    const auto fail = [&path](const std::string& reason) {
        return std::unexpected(fmt::format("cannot open database {}: {}", path, reason));
    };
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) {
        std::error_code error;
        std::filesystem::create_directories(parent, error);
        if (error) {
            return fail(
                fmt::format("cannot create folder {}: {}", parent.string(), error.message()));
        }
    }
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    const int rc = sqlite3_open_v2(
        path.c_str(), &impl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
        nullptr);
    if (rc != SQLITE_OK) {
        return fail(describe(impl->db));
    }
    if (auto configured = configure(impl->db); !configured) {
        return fail(configured.error());
    }
    return Store(std::move(impl));
}

std::string Store::default_path() {
    const auto from_env = [](const char* name) -> std::optional<std::filesystem::path> {
        const char* value = std::getenv(name);
        if (value == nullptr || *value == '\0') {
            return std::nullopt;
        }
        std::filesystem::path folder(value);
        if (!folder.is_absolute()) { // the XDG spec says to ignore relative paths
            return std::nullopt;
        }
        return folder;
    };
    std::filesystem::path cache;
    if (auto xdg = from_env("XDG_CACHE_HOME")) {
        cache = *xdg;
    } else if (auto home = from_env("HOME")) {
        cache = *home / ".cache";
    } else {
        cache = ".cache";
    }
    return (cache / "roundtable" / "roundtable.db").string();
}

const std::string& Store::path() const {
    static const std::string k_none;
    return m_impl ? m_impl->path : k_none;
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
    sqlite3* db = m_impl->db;
    auto statement = prepare(db, "SELECT text, model, finish_reason, request_id, input_tokens, "
                                 "output_tokens, cached_tokens, cache_write_tokens, created_at, "
                                 "reasoning_tokens FROM replies WHERE key = ?1");
    if (!statement) {
        return std::nullopt;
    }
    sqlite3_stmt* s = statement->get();
    bind_text(s, 1, key);
    if (sqlite3_step(s) != SQLITE_ROW) {
        return std::nullopt;
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
    return reply;
}

std::expected<void, std::string> Store::put_reply(const std::string& key,
                                                  const CachedReply& reply) {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    sqlite3* db = m_impl->db;
    WriteTransaction transaction(db);
    if (auto begun = transaction.begin(); !begun) {
        return begun;
    }
    auto statement = prepare(db, "INSERT OR REPLACE INTO replies (key, text, model, finish_reason, "
                                 "request_id, input_tokens, output_tokens, cached_tokens, "
                                 "cache_write_tokens, created_at, reasoning_tokens) "
                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
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
    if (auto done = run(db, s); !done) {
        return done;
    }
    statement->reset(); // finalize before COMMIT
    return transaction.commit();
}

std::size_t Store::reply_count() const {
    if (!m_impl) {
        return 0;
    }
    const std::lock_guard lock(m_impl->mutex);
    auto statement = prepare(m_impl->db, "SELECT count(*) FROM replies");
    if (!statement || sqlite3_step(statement->get()) != SQLITE_ROW) {
        return 0;
    }
    return static_cast<std::size_t>(sqlite3_column_int64(statement->get(), 0));
}

std::expected<void, std::string> Store::clear_replies() {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    WriteTransaction transaction(m_impl->db);
    if (auto begun = transaction.begin(); !begun) {
        return begun;
    }
    if (auto done = exec(m_impl->db, "DELETE FROM replies"); !done) {
        return done;
    }
    return transaction.commit();
}

std::expected<std::int64_t, std::string> Store::log_card(const CardLogEntry& entry) {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    sqlite3* db = m_impl->db;
    WriteTransaction transaction(db);
    if (auto begun = transaction.begin(); !begun) {
        return std::unexpected(begun.error());
    }
    auto statement = prepare(db, "INSERT INTO cards (id, title, source, stance, vote, cost_usd, "
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
}

std::expected<std::vector<CardLogEntry>, std::string> Store::recent_cards(std::size_t limit,
                                                                          bool with_json) const {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    sqlite3* db = m_impl->db;
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
    std::vector<CardLogEntry> cards;
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        cards.push_back(read_card(s));
    }
    if (rc != SQLITE_DONE) {
        return std::unexpected(describe(db));
    }
    return cards;
}

std::expected<CardLogEntry, std::string> Store::find_card(const std::string& id_or_prefix) const {
    if (!m_impl) {
        return std::unexpected("the store is closed");
    }
    const std::lock_guard lock(m_impl->mutex);
    sqlite3* db = m_impl->db;
    const std::string no_match = fmt::format("no card matches '{}'", id_or_prefix);

    if (auto row_id = parse_row_id(id_or_prefix)) {
        auto card = card_by_row(db, *row_id);
        if (!card) {
            return std::unexpected(card.error());
        }
        if (*card) {
            return std::move(**card);
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
        return std::unexpected(describe(db));
    }
    if (matches == 0) {
        return std::unexpected(no_match);
    }
    if (matches > 1 && !exact) {
        return std::unexpected(
            fmt::format("'{}' matches {} cards; give more characters", id_or_prefix, matches));
    }
    auto card = card_by_row(db, newest);
    if (!card) {
        return std::unexpected(card.error());
    }
    if (!*card) {
        return std::unexpected(no_match);
    }
    return std::move(**card);
}

} // namespace roundtable::store
