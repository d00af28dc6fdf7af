// The SQLite database of DESIGN §8: a reply cache keyed by a hash of what was
// asked of which model, and a log of every card produced (`roundtable logs`).
//
// A Store owns one SQLite connection, opened with SQLITE_OPEN_FULLMUTEX and
// guarded by a mutex of its own, so one Store may be shared by any number of
// threads (each multi-statement transaction holds the mutex). Several processes
// may open the same file at once: the database runs in WAL mode with a 10 s busy
// timeout, and writes use BEGIN IMMEDIATE with a retry on SQLITE_BUSY.
//
// The cache is best effort: a cache problem must never fail a card, so its
// reads give nullopt and its writes return the reason as a value; nothing here
// throws. Only successful replies belong in the cache -- storing a failure is a
// caller's bug, since a rerun would then repeat the failure without a call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::store {

// A provider's successful reply as kept in the cache.
struct CachedReply {
    std::string text;
    std::string model;
    std::string finish_reason;
    std::string request_id;
    std::int64_t input_tokens = 0;
    std::int64_t output_tokens = 0;
    std::int64_t cached_tokens = 0;
    std::int64_t cache_write_tokens = 0;
    std::int64_t created_at = 0;       // unix seconds
    std::int64_t reasoning_tokens = 0; // part of output_tokens

    bool operator==(const CachedReply&) const = default;
};

// One line of the card log.
struct CardLogEntry {
    std::int64_t row_id = 0; // assigned by log_card(); ignored when logging
    std::string id;          // the article id, or the SHA-256 of its text
    std::string title;
    std::string source;
    std::string stance; // "bullish", "split", ...
    std::string vote;   // "3-1", ...
    double cost_usd = 0.0;
    std::int64_t created_at = 0; // unix seconds
    std::string card_json;       // the full JSON card; empty in listings that leave it out

    bool operator==(const CardLogEntry&) const = default;
};

class Store {
public:
    // The schema version kept in PRAGMA user_version.
    static constexpr int k_schema_version = 2;

    // Opens (creating it and its parent folders if needed) the database at `path`,
    // switches it to WAL mode and creates or migrates the schema; returns an error
    // naming the path if the folder cannot be made, the file is not a database,
    // or it was written by a newer schema version.
    static std::expected<Store, std::string> open(const std::string& path);

    // Returns $XDG_CACHE_HOME/roundtable/roundtable.db, else
    // $HOME/.cache/roundtable/roundtable.db, else a relative
    // ".cache/roundtable/roundtable.db" when neither variable is set.
    static std::string default_path();

    Store(Store&&) noexcept;
    Store& operator=(Store&&) noexcept;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;
    // Closes the connection; a moved-from Store holds none. Never fails.
    ~Store();

    // Returns the path the Store was opened with; never fails.
    const std::string& path() const;

    // Returns the SHA-256 hex key of a request: the four fields are length-prefixed
    // before hashing, so no two different field lists give the same input. Never fails.
    static std::string cache_key(std::string_view provider, std::string_view model,
                                 std::string_view base_url, std::string_view request_body);

    // Returns the cached reply under `key`, or nullopt when there is none or the
    // database cannot be read (a miss: the caller makes the call).
    std::optional<CachedReply> get_reply(const std::string& key) const;

    // Stores `reply` under `key`, replacing any earlier one; returns the reason if
    // it cannot be written (to be shown as a warning, never as a card failure).
    std::expected<void, std::string> put_reply(const std::string& key, const CachedReply& reply);

    // Returns the number of cached replies, or 0 if the database cannot be read.
    std::size_t reply_count() const;

    // Removes every cached reply (the card log stays); returns the reason if it cannot.
    std::expected<void, std::string> clear_replies();

    // Appends `entry` (its row_id is ignored) to the card log and returns the new
    // row id; returns the reason if it cannot be written.
    std::expected<std::int64_t, std::string> log_card(const CardLogEntry& entry);

    // Returns up to `limit` logged cards, most recently logged first, with
    // card_json left empty unless `with_json`; returns the reason if the log
    // cannot be read.
    std::expected<std::vector<CardLogEntry>, std::string>
    recent_cards(std::size_t limit, bool with_json = false) const;

    // Finds one logged card (card_json included) by its row id (all digits), by its
    // exact id, or by a prefix of at least 6 characters of its id; when an id was
    // logged more than once the newest entry wins (an exact id beats longer ids it
    // is a prefix of). Returns "no card matches 'x'",
    // "'x' matches N cards; give more characters", or the database's reason.
    std::expected<CardLogEntry, std::string> find_card(const std::string& id_or_prefix) const;

private:
    struct Impl;
    explicit Store(std::unique_ptr<Impl> impl);

    std::unique_ptr<Impl> m_impl;
};

} // namespace roundtable::store
