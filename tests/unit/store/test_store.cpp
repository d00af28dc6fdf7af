#include <catch2/catch.hpp>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <roundtable/store/store.hpp>
#include <sqlite3.h>
#include <string>
#include <support/faulty_vfs.hpp>
#include <support/temp_dir.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using roundtable::store::CachedReply;
using roundtable::store::CardLogEntry;
using roundtable::store::Effort;
using roundtable::store::Limits;
using roundtable::store::OpenOptions;
using roundtable::store::Store;
using roundtable::testing::FaultyVfs;
using roundtable::testing::ScopedFault;
using roundtable::testing::TempDir;
namespace fs = std::filesystem;

namespace {

Store open_store(const std::filesystem::path& path) {
    auto store = Store::open(path.string());
    if (!store) {
        FAIL("open failed: " << store.error());
    }
    return std::move(*store);
}

CachedReply sample_reply(int n) {
    CachedReply reply;
    reply.text = "{\"stance\":\"bullish\",\"n\":" + std::to_string(n) + "}";
    reply.model = "model-" + std::to_string(n);
    reply.finish_reason = "end_turn";
    reply.request_id = "req_" + std::to_string(n);
    reply.input_tokens = 1000 + n;
    reply.output_tokens = 200 + n;
    reply.cached_tokens = 300;
    reply.cache_write_tokens = 40;
    reply.created_at = 1'700'000'000 + n;
    return reply;
}

CardLogEntry sample_card(std::string id, std::string title) {
    CardLogEntry entry;
    entry.id = std::move(id);
    entry.title = std::move(title);
    entry.source = "examples/article.txt";
    entry.stance = "bullish";
    entry.vote = "3-1";
    entry.cost_usd = 0.0125;
    entry.created_at = 1'700'000'000;
    entry.card_json = "{\"title\":\"" + entry.title + "\"}";
    return entry;
}

// Returns what a fresh connection reads from PRAGMA journal_mode of `path`.
std::string journal_mode_of(const std::filesystem::path& path) {
    sqlite3* db = nullptr;
    std::string mode;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW) {
            mode = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        }
        sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return mode;
}

// Sets or unsets an environment variable for the life of the object.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : m_name(name) {
        if (const char* old = std::getenv(name)) {
            m_old = old;
        }
        if (value != nullptr) {
            ::setenv(name, value, 1);
        } else {
            ::unsetenv(name);
        }
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
    ~ScopedEnv() {
        if (m_old) {
            ::setenv(m_name, m_old->c_str(), 1);
        } else {
            ::unsetenv(m_name);
        }
    }

private:
    const char* m_name;
    std::optional<std::string> m_old;
};

} // namespace

TEST_CASE("store::open") {
    const TempDir dir;
    SECTION("creates the file and its parent folders") {
        const auto path = dir.path() / "a" / "b" / "roundtable.db";
        auto store = Store::open(path.string());
        REQUIRE(store.has_value());
        CHECK(std::filesystem::exists(path));
        CHECK(store->path() == path.string());
        CHECK(store->reply_count() == 0);
    }
    SECTION("turns WAL mode on") {
        const auto path = dir.path() / "roundtable.db";
        const Store store = open_store(path);
        CHECK(journal_mode_of(path) == "wal");
    }
    SECTION("reopening keeps the data") {
        const auto path = dir.path() / "roundtable.db";
        {
            Store store = open_store(path);
            REQUIRE(store.put_reply("k", sample_reply(1)).has_value());
        }
        const Store store = open_store(path);
        CHECK(store.reply_count() == 1);
        CHECK(store.get_reply("k") == sample_reply(1));
    }
    SECTION("a newer schema version is refused") {
        const auto path = dir.path() / "roundtable.db";
        { const Store store = open_store(path); }
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        CHECK(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
        const auto store = Store::open(path.string());
        REQUIRE_FALSE(store.has_value());
        CHECK(store.error() == "cannot open database " + path.string() +
                                   ": schema version 99 is newer than this roundtable's (" +
                                   std::to_string(Store::k_schema_version) + ")");
    }
    SECTION("a version-1 file gains reasoning_tokens, its replies reading 0") {
        const auto path = dir.path() / "roundtable.db";
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        CHECK(sqlite3_exec(db,
                           "CREATE TABLE replies (key TEXT PRIMARY KEY NOT NULL, text TEXT NOT "
                           "NULL, model TEXT NOT NULL, finish_reason TEXT NOT NULL, request_id "
                           "TEXT NOT NULL, input_tokens INTEGER NOT NULL, output_tokens INTEGER "
                           "NOT NULL, cached_tokens INTEGER NOT NULL, cache_write_tokens INTEGER "
                           "NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID;"
                           "CREATE TABLE cards (row_id INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT "
                           "NOT NULL, title TEXT NOT NULL, source TEXT NOT NULL, stance TEXT NOT "
                           "NULL, vote TEXT NOT NULL, cost_usd REAL NOT NULL, created_at INTEGER "
                           "NOT NULL, card_json TEXT NOT NULL);"
                           "INSERT INTO replies VALUES ('k', '{}', 'm', 'stop', 'r', 10, 20, 0, 0, "
                           "1700000000);"
                           "PRAGMA user_version = 1;",
                           nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
        Store store = open_store(path);
        const auto old = store.get_reply("k");
        REQUIRE(old.has_value());
        CHECK(old->output_tokens == 20);
        CHECK(old->reasoning_tokens == 0);
        CachedReply reply = sample_reply(3);
        reply.reasoning_tokens = 150;
        REQUIRE(store.put_reply("k3", reply).has_value());
        CHECK(store.get_reply("k3") == reply);
    }
    SECTION("a parent that is a file is an error naming the path") {
        const auto blocker = dir.write("blocker", "x");
        const auto path = (blocker / "roundtable.db").string();
        const auto store = Store::open(path);
        REQUIRE_FALSE(store.has_value());
        CHECK(store.error().starts_with("cannot open database " + path + ": cannot create folder " +
                                        blocker.string() + ": "));
    }
    SECTION("a moved Store keeps working and the moved-from one is inert") {
        Store first = open_store(dir.path() / "roundtable.db");
        Store second = std::move(first);
        CHECK(second.put_reply("k", sample_reply(2)).has_value());
        CHECK(second.get_reply("k") == sample_reply(2));
        CHECK(first.reply_count() == 0); // NOLINT(bugprone-use-after-move): checked on purpose
        CHECK(first.put_reply("k", sample_reply(2)).error() == "the store is closed");
        CHECK_FALSE(first.get_reply("k").has_value());
    }
}

TEST_CASE("store::default_path") {
    SECTION("XDG_CACHE_HOME wins") {
        const ScopedEnv xdg("XDG_CACHE_HOME", "/tmp/xdg-cache");
        const ScopedEnv home("HOME", "/home/someone");
        CHECK(Store::default_path() == "/tmp/xdg-cache/roundtable/roundtable.db");
    }
    SECTION("otherwise ~/.cache") {
        const ScopedEnv xdg("XDG_CACHE_HOME", nullptr);
        const ScopedEnv home("HOME", "/home/someone");
        CHECK(Store::default_path() == "/home/someone/.cache/roundtable/roundtable.db");
    }
    SECTION("an empty or relative XDG_CACHE_HOME is ignored") {
        const ScopedEnv home("HOME", "/home/someone");
        {
            const ScopedEnv xdg("XDG_CACHE_HOME", "");
            CHECK(Store::default_path() == "/home/someone/.cache/roundtable/roundtable.db");
        }
        {
            const ScopedEnv xdg("XDG_CACHE_HOME", "relative/cache");
            CHECK(Store::default_path() == "/home/someone/.cache/roundtable/roundtable.db");
        }
    }
}

TEST_CASE("store::cache_key") {
    const std::string base = Store::cache_key("anthropic", "claude", "https://api", "{}");
    SECTION("is a stable SHA-256 hex string") {
        CHECK(base.size() == 64);
        CHECK(base.find_first_not_of("0123456789abcdef") == std::string::npos);
        CHECK(Store::cache_key("anthropic", "claude", "https://api", "{}") == base);
    }
    SECTION("each field changes the key") {
        CHECK(Store::cache_key("openai", "claude", "https://api", "{}") != base);
        CHECK(Store::cache_key("anthropic", "claude-2", "https://api", "{}") != base);
        CHECK(Store::cache_key("anthropic", "claude", "http://localhost", "{}") != base);
        CHECK(Store::cache_key("anthropic", "claude", "https://api", "{ }") != base);
    }
    SECTION("fields cannot run into each other") {
        CHECK(Store::cache_key("ab", "c", "", "") != Store::cache_key("a", "bc", "", ""));
        CHECK(Store::cache_key("a", "", "b", "") != Store::cache_key("a", "b", "", ""));
        CHECK(Store::cache_key("", "", "", "x") != Store::cache_key("x", "", "", ""));
        CHECK(Store::cache_key("1:a", "", "", "") != Store::cache_key("a", "1:", "", ""));
    }
}

TEST_CASE("store::get_reply") {
    const TempDir dir;
    Store store = open_store(dir.path() / "roundtable.db");
    SECTION("round trips every field") {
        CachedReply reply = sample_reply(7);
        reply.text = std::string("with \0 a NUL and \xc3\xa9", 20);
        REQUIRE(store.put_reply("key-1", reply).has_value());
        const auto got = store.get_reply("key-1");
        REQUIRE(got.has_value());
        CHECK(got->text == reply.text);
        CHECK(got->model == "model-7");
        CHECK(got->finish_reason == "end_turn");
        CHECK(got->request_id == "req_7");
        CHECK(got->input_tokens == 1007);
        CHECK(got->output_tokens == 207);
        CHECK(got->cached_tokens == 300);
        CHECK(got->cache_write_tokens == 40);
        CHECK(got->created_at == 1'700'000'007);
        CHECK(got->billed_ticks == -1);
        reply.billed_ticks = 37'756'000;
        REQUIRE(store.put_reply("key-2", reply).has_value());
        CHECK(store.get_reply("key-2")->billed_ticks == 37'756'000);
    }
    SECTION("a missing key is nullopt") {
        REQUIRE(store.put_reply("key-1", sample_reply(1)).has_value());
        CHECK_FALSE(store.get_reply("key-2").has_value());
    }
    SECTION("a second put replaces the first") {
        REQUIRE(store.put_reply("key-1", sample_reply(1)).has_value());
        REQUIRE(store.put_reply("key-1", sample_reply(2)).has_value());
        CHECK(store.reply_count() == 1);
        CHECK(store.get_reply("key-1") == sample_reply(2));
    }
}

TEST_CASE("store::clear_replies") {
    const TempDir dir;
    Store store = open_store(dir.path() / "roundtable.db");
    SECTION("removes replies but keeps the card log") {
        REQUIRE(store.put_reply("a", sample_reply(1)).has_value());
        REQUIRE(store.put_reply("b", sample_reply(2)).has_value());
        REQUIRE(store.log_card(sample_card("abcdef01", "One")).has_value());
        CHECK(store.reply_count() == 2);
        REQUIRE(store.clear_replies().has_value());
        CHECK(store.reply_count() == 0);
        CHECK_FALSE(store.get_reply("a").has_value());
        CHECK(store.recent_cards(10)->size() == 1);
    }
}

TEST_CASE("store::recent_cards") {
    const TempDir dir;
    Store store = open_store(dir.path() / "roundtable.db");
    const auto first = store.log_card(sample_card("aaaa1111", "First"));
    const auto second = store.log_card(sample_card("bbbb2222", "Second"));
    const auto third = store.log_card(sample_card("cccc3333", "Third"));
    REQUIRE(first.has_value());
    REQUIRE(second.has_value());
    REQUIRE(third.has_value());
    SECTION("row ids grow") {
        CHECK(*first < *second);
        CHECK(*second < *third);
    }
    SECTION("newest first, without the JSON by default") {
        const auto cards = store.recent_cards(10);
        REQUIRE(cards.has_value());
        REQUIRE(cards->size() == 3);
        CHECK((*cards)[0].title == "Third");
        CHECK((*cards)[1].title == "Second");
        CHECK((*cards)[2].title == "First");
        CHECK((*cards)[0].row_id == *third);
        CHECK((*cards)[0].card_json.empty());
        CHECK((*cards)[0].vote == "3-1");
        CHECK((*cards)[0].cost_usd == Approx(0.0125));
    }
    SECTION("the limit keeps the newest") {
        const auto cards = store.recent_cards(2, true);
        REQUIRE(cards.has_value());
        REQUIRE(cards->size() == 2);
        CHECK((*cards)[0].title == "Third");
        CHECK((*cards)[1].title == "Second");
        CHECK((*cards)[0].card_json == "{\"title\":\"Third\"}");
    }
    SECTION("every field round trips") {
        const auto cards = store.recent_cards(1, true);
        REQUIRE(cards.has_value());
        REQUIRE(cards->size() == 1);
        CardLogEntry expected = sample_card("cccc3333", "Third");
        expected.row_id = *third;
        CHECK((*cards)[0] == expected);
    }
}

TEST_CASE("store::find_card") {
    const TempDir dir;
    Store store = open_store(dir.path() / "roundtable.db");
    const auto one = store.log_card(sample_card("abc123ff0001", "One"));
    const auto two = store.log_card(sample_card("abc123ff0002", "Two"));
    const auto three = store.log_card(sample_card("abc123ee0003", "Three"));
    const auto again = store.log_card(sample_card("abc123ff0001", "One again"));
    const auto article = store.log_card(sample_card("news", "Named article"));
    REQUIRE(store.log_card(sample_card("beef0099aa", "Beef")).has_value());
    const auto beef = store.log_card(sample_card("beef0099aa", "Beef again"));
    REQUIRE(beef.has_value());
    REQUIRE(one.has_value());
    REQUIRE(two.has_value());
    REQUIRE(three.has_value());
    REQUIRE(again.has_value());
    REQUIRE(article.has_value());
    SECTION("by row id, with the JSON") {
        const auto card = store.find_card(std::to_string(*two));
        REQUIRE(card.has_value());
        CHECK(card->title == "Two");
        CHECK(card->row_id == *two);
        CHECK(card->card_json == "{\"title\":\"Two\"}");
    }
    SECTION("by exact id: the newest entry of that id") {
        const auto card = store.find_card("abc123ff0001");
        REQUIRE(card.has_value());
        CHECK(card->title == "One again");
        CHECK(card->row_id == *again);
    }
    SECTION("a short exact id is found") {
        const auto card = store.find_card("news");
        REQUIRE(card.has_value());
        CHECK(card->title == "Named article");
    }
    SECTION("by a unique prefix") {
        const auto card = store.find_card("abc123ee");
        REQUIRE(card.has_value());
        CHECK(card->title == "Three");
    }
    SECTION("a prefix shared by the same id twice is not ambiguous") {
        const auto card = store.find_card("beef0099");
        REQUIRE(card.has_value());
        CHECK(card->title == "Beef again");
        CHECK(card->row_id == *beef);
    }
    SECTION("an ambiguous prefix names the count") {
        const auto card = store.find_card("abc123");
        REQUIRE_FALSE(card.has_value());
        CHECK(card.error() == "'abc123' matches 3 cards; give more characters");
        const auto ff = store.find_card("abc123ff");
        REQUIRE_FALSE(ff.has_value());
        CHECK(ff.error() == "'abc123ff' matches 2 cards; give more characters");
    }
    SECTION("no match") {
        const auto card = store.find_card("ffffff");
        REQUIRE_FALSE(card.has_value());
        CHECK(card.error() == "no card matches 'ffffff'");
    }
    SECTION("a prefix shorter than 6 characters is not matched") {
        const auto card = store.find_card("abc12");
        REQUIRE_FALSE(card.has_value());
        CHECK(card.error() == "no card matches 'abc12'");
    }
    SECTION("a row id that does not exist") {
        const auto card = store.find_card("999");
        REQUIRE_FALSE(card.has_value());
        CHECK(card.error() == "no card matches '999'");
    }
}

TEST_CASE("store::concurrency") {
    const TempDir dir;
    const auto path = dir.path() / "roundtable.db";
    SECTION("8 threads sharing one Store write 200 replies each") {
        Store store = open_store(path);
        constexpr int k_threads = 8;
        constexpr int k_each = 200;
        std::vector<int> failures(k_threads, 0);
        std::vector<std::thread> threads;
        for (int t = 0; t < k_threads; ++t) {
            threads.emplace_back([&store, &failures, t] {
                for (int i = 0; i < k_each; ++i) {
                    const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
                    if (!store.put_reply(key, sample_reply(i)) ||
                        store.get_reply(key) != sample_reply(i)) {
                        ++failures[static_cast<std::size_t>(t)];
                    }
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        for (int t = 0; t < k_threads; ++t) {
            CHECK(failures[static_cast<std::size_t>(t)] == 0);
        }
        CHECK(store.reply_count() == k_threads * k_each);
        CHECK(store.get_reply("t7-199") == sample_reply(199));
    }
    SECTION("8 threads with a Store each write 200 replies and log cards") {
        constexpr int k_threads = 8;
        constexpr int k_each = 200;
        std::vector<int> failures(k_threads, 0);
        std::vector<std::thread> threads;
        for (int t = 0; t < k_threads; ++t) {
            threads.emplace_back([&path, &failures, t] {
                auto store = Store::open(path.string());
                if (!store) {
                    failures[static_cast<std::size_t>(t)] = -1;
                    return;
                }
                for (int i = 0; i < k_each; ++i) {
                    const std::string key = "t" + std::to_string(t) + "-" + std::to_string(i);
                    if (!store->put_reply(key, sample_reply(i))) {
                        ++failures[static_cast<std::size_t>(t)];
                    }
                }
                if (!store->log_card(sample_card("thread" + std::to_string(t), "T"))) {
                    ++failures[static_cast<std::size_t>(t)];
                }
            });
        }
        for (auto& thread : threads) {
            thread.join();
        }
        for (int t = 0; t < k_threads; ++t) {
            CHECK(failures[static_cast<std::size_t>(t)] == 0);
        }
        const Store store = open_store(path);
        CHECK(store.reply_count() == k_threads * k_each);
        CHECK(store.recent_cards(100)->size() == k_threads);
    }
    SECTION("two processes write 500 replies each to a fresh file") {
        constexpr int k_each = 500;
        int start[2];
        REQUIRE(::pipe(start) == 0);
        std::vector<pid_t> children;
        for (int p = 0; p < 2; ++p) {
            const pid_t pid = ::fork();
            REQUIRE(pid >= 0);
            if (pid == 0) {
                // The child: wait for the start signal so both open the new file at once.
                ::close(start[1]);
                char go = 0;
                if (::read(start[0], &go, 1) != 1) {
                    ::_exit(10);
                }
                int code = 0;
                {
                    auto store = Store::open(path.string());
                    if (!store) {
                        code = 11;
                    } else {
                        for (int i = 0; i < k_each && code == 0; ++i) {
                            const std::string key =
                                "p" + std::to_string(p) + "-" + std::to_string(i);
                            if (!store->put_reply(key, sample_reply(i))) {
                                code = 12;
                            }
                        }
                        if (code == 0 &&
                            !store->log_card(sample_card("proc" + std::to_string(p), "P"))) {
                            code = 13;
                        }
                    }
                }
                ::_exit(code);
            }
            children.push_back(pid);
        }
        ::close(start[0]);
        const char go[2] = {'g', 'g'};
        CHECK(::write(start[1], go, 2) == 2);
        ::close(start[1]);
        for (const pid_t pid : children) {
            int status = -1;
            REQUIRE(::waitpid(pid, &status, 0) == pid);
            REQUIRE(WIFEXITED(status));
            CHECK(WEXITSTATUS(status) == 0);
        }
        const Store store = open_store(path);
        CHECK(store.reply_count() == 2 * k_each);
        CHECK(store.get_reply("p0-499") == sample_reply(499));
        CHECK(store.get_reply("p1-0") == sample_reply(0));
        CHECK(store.recent_cards(10)->size() == 2);
        CHECK(journal_mode_of(path) == "wal");
    }
}

namespace {

constexpr std::int64_t k_t0 = 1'700'000'000; // 2023-11-14T22:13:20Z
constexpr std::int64_t k_day = 86400;

// Sets the process umask for the life of the object.
class ScopedUmask {
public:
    explicit ScopedUmask(mode_t mask) : m_old(::umask(mask)) {}
    ScopedUmask(const ScopedUmask&) = delete;
    ScopedUmask& operator=(const ScopedUmask&) = delete;
    ~ScopedUmask() { ::umask(m_old); }

private:
    mode_t m_old;
};

// Returns the permission bits of `path` (-1 if it does not exist).
int mode_of(const fs::path& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 ? static_cast<int>(info.st_mode & 07777) : -1;
}

// A clock a test moves by hand.
struct FakeClock {
    std::int64_t now = k_t0;
    roundtable::store::Clock clock() {
        return [this] { return now; };
    }
};

// Options with `clock` and notices collected into `notices`.
OpenOptions options_with(FakeClock& clock, std::vector<std::string>& notices) {
    OpenOptions options;
    options.clock = clock.clock();
    options.notify = [&notices](const std::string& m) { notices.push_back(m); };
    return options;
}

Store open_with(const fs::path& path, const OpenOptions& options) {
    auto store = Store::open(path.string(), options);
    if (!store) {
        FAIL("open failed: " << store.error());
    }
    return std::move(*store);
}

// Runs one SQL text on `path` through a connection of its own; returns the first
// column of the first row (or "" if none), failing the test on an error.
std::string sql(const fs::path& path, const std::string& text) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    std::string answer;
    sqlite3_stmt* statement = nullptr;
    const char* tail = text.c_str();
    while (*tail != '\0') {
        INFO(text);
        REQUIRE(sqlite3_prepare_v2(db, tail, -1, &statement, &tail) == SQLITE_OK);
        if (statement == nullptr) {
            break;
        }
        int rc = sqlite3_step(statement);
        if (rc == SQLITE_ROW && answer.empty() && sqlite3_column_text(statement, 0) != nullptr) {
            answer = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        }
        while (rc == SQLITE_ROW) {
            rc = sqlite3_step(statement);
        }
        INFO(sqlite3_errmsg(db));
        CHECK(rc == SQLITE_DONE);
        sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return answer;
}

// A reply of about `bytes` bytes of text, created at `at`.
CachedReply big_reply(int n, std::size_t bytes, std::int64_t at) {
    CachedReply reply = sample_reply(n);
    reply.text = std::string(bytes, static_cast<char>('a' + n % 26));
    reply.created_at = at;
    return reply;
}

// Fills `path` with `n` replies "r<i>" of `bytes` bytes created at k_t0 + i, then closes it.
void fill(const fs::path& path, int n, std::size_t bytes) {
    Store store = open_store(path);
    for (int i = 0; i < n; ++i) {
        REQUIRE(store.put_reply("r" + std::to_string(i), big_reply(i, bytes, k_t0 + i)));
    }
}

// Overwrites `count` bytes of `path` at `offset` with 0xFF.
void scribble(const fs::path& path, std::uintmax_t offset, std::size_t count) {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(file);
    file.seekp(static_cast<std::streamoff>(offset));
    const std::string garbage(count, '\xff');
    file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    REQUIRE(file);
}

// Returns the files of `dir` whose names start with `prefix`.
std::vector<fs::path> files_starting(const fs::path& dir, const std::string& prefix) {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().filename().string().starts_with(prefix)) {
            found.push_back(entry.path());
        }
    }
    std::sort(found.begin(), found.end());
    return found;
}

} // namespace

TEST_CASE("store::privacy") {
    const TempDir dir;
    for (const mode_t mask : {mode_t{000}, mode_t{022}}) {
        DYNAMIC_SECTION("folders 0700, the database and its WAL and shm 0600 under umask 0"
                        << (mask == 0 ? "00" : "22")) {
            const ScopedUmask umask(mask);
            const auto path = dir.path() / "a" / "b" / "roundtable.db";
            FakeClock clock;
            std::vector<std::string> notices;
            Store store = open_with(path, options_with(clock, notices));
            REQUIRE(store.put_reply("k", sample_reply(1)));
            CHECK(mode_of(dir.path() / "a") == 0700);
            CHECK(mode_of(dir.path() / "a" / "b") == 0700);
            CHECK(mode_of(path) == 0600);
            // While the Store is open, SQLite keeps its WAL and shared memory beside it.
            CHECK(mode_of(path.string() + "-wal") == 0600);
            CHECK(mode_of(path.string() + "-shm") == 0600);
            CHECK(notices.empty());
            CHECK_FALSE(Store::exposure_warning(path.string()).has_value());
        }
    }
    SECTION("a store open to others is one notice naming the path and the fix") {
        const ScopedUmask umask(022);
        const auto folder = dir.path() / "shared";
        fs::create_directories(folder);
        ::chmod(folder.c_str(), 0755);
        const auto path = folder / "roundtable.db";
        { const Store store = open_store(path); }
        ::chmod(path.c_str(), 0644);
        FakeClock clock;
        std::vector<std::string> notices;
        const Store store = open_with(path, options_with(clock, notices));
        REQUIRE(notices.size() == 1);
        CHECK(notices[0] == "the store " + path.string() +
                                " is open to other users (folder 0755, roundtable.db 0644); fix: "
                                "chmod 700 " +
                                folder.string() + " && chmod 600 " + path.string() + "*");
        // The WAL and shared memory took the database's mode; the fix, run as given, covers them.
        CHECK(mode_of(path.string() + "-wal") == 0644);
        const std::string fix = notices[0].substr(notices[0].find("fix: ") + 5);
        REQUIRE(std::system(fix.c_str()) == 0);
        CHECK(mode_of(path.string() + "-wal") == 0600);
        CHECK(mode_of(path.string() + "-shm") == 0600);
        CHECK_FALSE(Store::exposure_warning(path.string()).has_value());
    }
    SECTION("the fix quotes a path with spaces for the shell") {
        const auto folder = dir.path() / "my cache";
        fs::create_directories(folder);
        ::chmod(folder.c_str(), 0750);
        const auto path = folder / "roundtable.db";
        const auto warning = Store::exposure_warning(path.string());
        REQUIRE(warning.has_value());
        CHECK(warning->ends_with("(folder 0750); fix: chmod 700 '" + folder.string() +
                                 "' && chmod 600 '" + path.string() + "'*"));
    }
    SECTION("an existing folder keeps its mode: only what the store creates is made private") {
        const ScopedUmask umask(022);
        const auto folder = dir.path() / "mine";
        fs::create_directories(folder);
        ::chmod(folder.c_str(), 0711);
        const Store store = open_store(folder / "roundtable.db");
        CHECK(mode_of(folder) == 0711);
        CHECK(mode_of(folder / "roundtable.db") == 0600);
    }
}

TEST_CASE("store::schema") {
    const TempDir dir;
    const auto path = dir.path() / "roundtable.db";
    SECTION("a new file is at the current version with incremental auto-vacuum") {
        { const Store store = open_store(path); }
        CHECK(sql(path, "PRAGMA user_version") == std::to_string(Store::k_schema_version));
        CHECK(sql(path, "PRAGMA auto_vacuum") == "2");
        CHECK(sql(path, "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema "
                        "WHERE type = 'table' ORDER BY name)") ==
              "batch_jobs batch_requests batch_runs cache_runs cards meta replies "
              "sqlite_sequence");
    }
    SECTION("a version 1 file is migrated in place, its data kept and its space made returnable") {
        sql(path, R"sql(
CREATE TABLE replies (key TEXT PRIMARY KEY NOT NULL, text TEXT NOT NULL, model TEXT NOT NULL,
    finish_reason TEXT NOT NULL, request_id TEXT NOT NULL, input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE cards (row_id INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL,
    title TEXT NOT NULL, source TEXT NOT NULL, stance TEXT NOT NULL, vote TEXT NOT NULL,
    cost_usd REAL NOT NULL, created_at INTEGER NOT NULL, card_json TEXT NOT NULL);
CREATE INDEX cards_by_id ON cards (id);
INSERT INTO replies VALUES ('old', 'kept text', 'm', 'stop', 'req', 1, 2, 3, 4, 1700000000);
INSERT INTO cards (id, title, source, stance, vote, cost_usd, created_at, card_json)
    VALUES ('abcdef', 'Kept', 's', 'bullish', '3-1', 0.5, 1700000000, '{}');
PRAGMA user_version = 1;
)sql");
        REQUIRE(sql(path, "PRAGMA auto_vacuum") == "0");
        const Store store = open_store(path);
        const auto reply = store.get_reply("old");
        REQUIRE(reply.has_value());
        CHECK(reply->text == "kept text");
        CHECK(store.find_card("abcdef")->title == "Kept");
        CHECK(sql(path, "PRAGMA user_version") == std::to_string(Store::k_schema_version));
        CHECK(reply->reasoning_tokens == 0); // version 3's column, 0 for older replies
        CHECK(reply->billed_ticks == -1);    // version 5's: no provider figure for older ones
        CHECK(sql(path, "PRAGMA auto_vacuum") == "2");
        CHECK(sql(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'replies_by_age'") == "1");
        // Replies moved to a rowid table: a 2 KB reply fits in its page.
        CHECK(sql(path, "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_schema WHERE name = "
                        "'replies'") == "0");
    }
}

TEST_CASE("store::batch runs and jobs") {
    const TempDir dir;
    const auto path = dir.path() / "roundtable.db";
    using roundtable::store::BatchJob;
    using roundtable::store::BatchRequest;
    using roundtable::store::BatchRun;
    std::int64_t now = 1'800'000'000;
    OpenOptions options;
    options.clock = [&now] { return now; };
    auto opened = Store::open(path.string(), options);
    REQUIRE(opened.has_value());
    Store& store = *opened;
    REQUIRE(store.add_batch_run({"20261130-101010-abcd", now, now, "running", "{\"a\":1}"}));
    REQUIRE(store.add_batch_run({"20261130-121212-0001", now + 5, now + 5, "running", "{}"}));
    SECTION("a run is found by id or prefix, listed newest first, its state kept") {
        CHECK(store.find_batch_run("20261130-10")->options == "{\"a\":1}");
        CHECK(store.find_batch_run("20261130").error() ==
              "'20261130' matches 2 runs; give more characters");
        CHECK(store.find_batch_run("nope").error() == "no batch run matches 'nope'");
        CHECK(store.find_batch_run("").error() == "no batch run matches ''");
        now += 60;
        REQUIRE(store.set_batch_run_state("20261130-101010-abcd", "interrupted"));
        const auto runs = store.batch_runs(10);
        REQUIRE(runs->size() == 2);
        CHECK(runs->at(0).id == "20261130-121212-0001");
        CHECK(runs->at(1).state == "interrupted");
        CHECK(runs->at(1).updated_at == now);
        CHECK(!store.add_batch_run({"20261130-101010-abcd", now, now, "running", "{}"}));
    }
    SECTION("jobs and their lines survive the process; collected jobs leave the open lines") {
        BatchJob job;
        job.run_id = "20261130-101010-abcd";
        job.seat = "gpt";
        job.provider = "openai";
        job.base_url = "http://127.0.0.1:1";
        job.job_id = "batch_1";
        job.pass = 1;
        job.state = "validating";
        job.requests = 2;
        const auto row =
            store.add_batch_job(job, {{0, "rt0-a0-s1", "key0"}, {0, "rt1-a1-s1", "key1"}});
        REQUIRE(row.has_value());
        job.job_id = "batch_2";
        const auto row2 = store.add_batch_job(job, {{0, "rt2-a2-s1", "key2"}});
        REQUIRE(row2.has_value());
        {
            const Store again = open_store(path); // another process's view
            const auto jobs = again.batch_jobs("20261130-101010-abcd");
            REQUIRE(jobs->size() == 2);
            CHECK(jobs->at(0).job_id == "batch_1");
            CHECK(jobs->at(0).submitted_at == now);
            CHECK(jobs->at(0).requests == 2);
            CHECK(!jobs->at(0).ended);
            const auto lines = again.open_batch_requests("20261130-101010-abcd");
            REQUIRE(lines->size() == 3);
            CHECK(lines->at(0) == BatchRequest{*row, "rt0-a0-s1", "key0"});
        }
        BatchJob update = job;
        update.row_id = *row;
        update.state = "completed";
        update.ended = true;
        update.collected = true;
        update.succeeded = 1;
        update.failed = 1;
        now += 30;
        REQUIRE(store.update_batch_job(update));
        const auto jobs = store.batch_jobs("20261130-101010-abcd");
        CHECK(jobs->at(0).state == "completed");
        CHECK(jobs->at(0).succeeded == 1);
        CHECK(jobs->at(0).updated_at == now);
        CHECK(jobs->at(1).state == "validating");
        const auto lines = store.open_batch_requests("20261130-101010-abcd");
        REQUIRE(lines->size() == 1);
        CHECK(lines->at(0).custom_id == "rt2-a2-s1");
        CHECK(store.batch_jobs("20261130-121212-0001")->empty());
    }
}

TEST_CASE("store::enforce ages") {
    const TempDir dir;
    const auto path = dir.path() / "roundtable.db";
    FakeClock clock;
    std::vector<std::string> notices;
    Store store = open_with(path, options_with(clock, notices));
    REQUIRE(store.put_reply("40 days", big_reply(1, 100, k_t0 - 40 * k_day)));
    REQUIRE(store.put_reply("31 days", big_reply(2, 100, k_t0 - 31 * k_day)));
    REQUIRE(store.put_reply("29 days", big_reply(3, 100, k_t0 - 29 * k_day)));
    REQUIRE(store.put_reply("today", big_reply(4, 100, k_t0)));
    auto card = sample_card("old-card", "Old");
    card.created_at = k_t0 - 100 * k_day;
    REQUIRE(store.log_card(card));
    card = sample_card("new-card", "New");
    card.created_at = k_t0 - 10 * k_day;
    REQUIRE(store.log_card(card));

    SECTION("replies and cards past their limits go; the rest stays") {
        Limits limits;
        limits.max_bytes = 0;
        limits.reply_max_age_s = 30 * k_day;
        limits.card_max_age_s = 90 * k_day;
        const auto report = store.enforce(limits, Effort::incremental);
        REQUIRE(report.has_value());
        CHECK(report->replies_removed == 2);
        CHECK(report->cards_removed == 1);
        CHECK(report->complete);
        CHECK_FALSE(store.get_reply("40 days").has_value());
        CHECK_FALSE(store.get_reply("31 days").has_value());
        CHECK(store.get_reply("29 days").has_value());
        CHECK(store.get_reply("today").has_value());
        const auto cards = store.recent_cards(10);
        REQUIRE(cards->size() == 1);
        CHECK((*cards)[0].id == "new-card");
    }
    SECTION("the clock decides: two days later one more reply is too old") {
        clock.now += 2 * k_day;
        Limits limits;
        limits.reply_max_age_s = 30 * k_day;
        const auto report = store.enforce(limits, Effort::incremental);
        REQUIRE(report.has_value());
        CHECK(report->replies_removed == 3);
        CHECK(store.reply_count() == 1);
    }
    SECTION("0 means no limit") {
        const auto report = store.enforce(Limits{0, 0, 0}, Effort::full);
        REQUIRE(report.has_value());
        CHECK(report->replies_removed == 0);
        CHECK(report->cards_removed == 0);
        CHECK(store.reply_count() == 4);
    }
    CHECK(notices.empty());
}

TEST_CASE("store::enforce size") {
    const TempDir dir;
    const auto path = dir.path() / "roundtable.db";
    SECTION("oldest replies first until the data fits; the file shrinks on disk") {
        fill(path, 400, 8000); // about 3.2 MB of replies
        sql(path, "PRAGMA wal_checkpoint(TRUNCATE)");
        const auto before = fs::file_size(path);
        CHECK(before > 3'000'000);
        Store store = open_store(path);
        Limits limits;
        limits.max_bytes = 1024 * 1024;
        limits.reply_max_age_s = 0;
        const auto report = store.enforce(limits, Effort::incremental);
        REQUIRE(report.has_value());
        CHECK(report->complete);
        CHECK(report->replies_removed > 250);
        const auto summary = store.summary();
        REQUIRE(summary.has_value());
        CHECK(summary->data_bytes <= limits.max_bytes);
        CHECK(summary->data_bytes > limits.max_bytes * 3 / 4);
        CHECK(summary->replies == 400 - report->replies_removed);
        // Oldest first: every kept reply is newer than every removed one.
        for (int i = 0; i < 400; ++i) {
            const bool kept = store.get_reply("r" + std::to_string(i)).has_value();
            CHECK(kept == (i >= report->replies_removed));
        }
        // The space went back to the file system, not to a free list: the database file
        // shrank at once; the WAL, which held the deletes, goes when the last connection closes.
        CHECK(sql(path, "PRAGMA freelist_count") == "0");
        CHECK(fs::file_size(path) <= static_cast<std::uintmax_t>(limits.max_bytes) + 64 * 1024);
        store = Store(open_store(dir.path() / "other.db")); // closes the connection
        CHECK_FALSE(fs::exists(path.string() + "-wal"));
        CHECK(fs::file_size(path) <= static_cast<std::uintmax_t>(limits.max_bytes) + 64 * 1024);
    }
    SECTION("cards go once no reply is left") {
        Store store = open_store(path);
        for (int i = 0; i < 60; ++i) {
            auto card = sample_card("card" + std::to_string(i), "T");
            card.card_json = std::string(20000, 'c');
            card.created_at = k_t0 + i;
            REQUIRE(store.log_card(card));
        }
        REQUIRE(store.put_reply("only", big_reply(1, 100, k_t0 + 1000)));
        Limits limits;
        limits.max_bytes = 512 * 1024;
        limits.reply_max_age_s = 0;
        limits.card_max_age_s = 0;
        const auto report = store.enforce(limits, Effort::full);
        REQUIRE(report.has_value());
        CHECK(report->replies_removed == 1);
        CHECK(report->cards_removed > 30);
        const auto cards = store.recent_cards(100);
        REQUIRE(cards.has_value());
        REQUIRE_FALSE(cards->empty());
        CHECK(cards->front().id == "card59");
        CHECK(cards->back().id == "card" + std::to_string(report->cards_removed));
        CHECK(store.summary()->data_bytes <= limits.max_bytes);
    }
}

TEST_CASE("store::enforce bounds its work per run") {
    const TempDir dir;
    const auto path = dir.path() / "roundtable.db";
    { const Store store = open_store(path); }
    sql(path, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000) "
              "INSERT INTO replies (key, text, model, finish_reason, request_id, input_tokens, "
              "output_tokens, cached_tokens, cache_write_tokens, created_at) "
              "SELECT 'k' || i, 't', 'm', 'stop', 'r', 1, 1, 0, 0, 1000 + i FROM n");
    Store store = open_store(path);
    Limits limits;
    limits.max_bytes = 0;
    limits.reply_max_age_s = 30 * k_day; // every row above is decades old
    SECTION("incremental: 5,000 rows a run, oldest first, the rest on the next runs") {
        auto first = store.enforce(limits, Effort::incremental);
        REQUIRE(first.has_value());
        CHECK(first->replies_removed == 5000);
        CHECK_FALSE(first->complete);
        CHECK(store.reply_count() == 7000);
        CHECK_FALSE(store.get_reply("k5000").has_value());
        CHECK(store.get_reply("k5001").has_value());
        CHECK(store.enforce(limits, Effort::incremental)->replies_removed == 5000);
        auto third = store.enforce(limits, Effort::incremental);
        REQUIRE(third.has_value());
        CHECK(third->replies_removed == 2000);
        CHECK(third->complete);
        CHECK(store.reply_count() == 0);
    }
    SECTION("incremental: a run that wrote rows removes twice as many more") {
        for (int i = 0; i < 1000; ++i) {
            REQUIRE(store.put_reply("new" + std::to_string(i), big_reply(i, 10, store.now())));
        }
        auto report = store.enforce(limits, Effort::incremental);
        REQUIRE(report.has_value());
        CHECK(report->replies_removed == 7000);
        CHECK(store.reply_count() == 5000 + 1000);
    }
    SECTION("full: everything at once") {
        auto report = store.enforce(limits, Effort::full);
        REQUIRE(report.has_value());
        CHECK(report->replies_removed == 12000);
        CHECK(report->complete);
    }
}

TEST_CASE("store::record_run and summary") {
    const TempDir dir;
    const auto path = dir.path() / "roundtable.db";
    FakeClock clock;
    std::vector<std::string> notices;
    Store store = open_with(path, options_with(clock, notices));
    SECTION("runs newest first; the newest 100 are kept") {
        for (int i = 0; i < 105; ++i) {
            clock.now = k_t0 + i;
            REQUIRE(store.record_run(i, 2 * i));
        }
        const auto runs = store.recent_runs(1000);
        REQUIRE(runs.has_value());
        REQUIRE(runs->size() == 100);
        CHECK(runs->front() == roundtable::store::RunStats{k_t0 + 104, 104, 208});
        CHECK(runs->back() == roundtable::store::RunStats{k_t0 + 5, 5, 10});
        CHECK(store.recent_runs(2)->size() == 2);
    }
    SECTION("counts, oldest and newest, sizes") {
        auto empty = store.summary();
        REQUIRE(empty.has_value());
        CHECK(empty->replies == 0);
        CHECK_FALSE(empty->oldest_reply.has_value());
        REQUIRE(store.put_reply("a", big_reply(1, 1000, k_t0 - 50)));
        REQUIRE(store.put_reply("b", big_reply(2, 1000, k_t0 + 70)));
        auto card = sample_card("c1", "One");
        card.created_at = k_t0 + 5;
        REQUIRE(store.log_card(card));
        const auto summary = store.summary();
        REQUIRE(summary.has_value());
        CHECK(summary->path == path.string());
        CHECK(summary->replies == 2);
        CHECK(summary->cards == 1);
        CHECK(summary->oldest_reply == k_t0 - 50);
        CHECK(summary->newest_reply == k_t0 + 70);
        CHECK(summary->oldest_card == k_t0 + 5);
        CHECK(summary->newest_card == k_t0 + 5);
        CHECK(summary->data_bytes > 2000);
        CHECK(summary->file_bytes >= static_cast<std::int64_t>(fs::file_size(path)));
    }
}

TEST_CASE("store::clear") {
    const TempDir dir;
    const auto path = dir.path() / "roundtable.db";
    fill(path, 300, 8000);
    Store store = open_store(path);
    REQUIRE(store.log_card(sample_card("abcdef", "A")));
    REQUIRE(store.record_run(1, 2));
    const auto report = store.clear();
    REQUIRE(report.has_value());
    CHECK(report->replies_removed == 300);
    CHECK(report->cards_removed == 1);
    CHECK(store.reply_count() == 0);
    CHECK(store.recent_cards(10)->empty());
    CHECK(store.recent_runs(10)->empty());
    CHECK(report->file_bytes_before > 2'000'000);
    CHECK(report->file_bytes_after < 200'000);
    CHECK(fs::file_size(path) < 200'000);
    CHECK(fs::file_size(path.string() + "-wal") == 0); // emptied by the checkpoint
}

TEST_CASE("store::self-healing") {
    const TempDir dir;
    const auto path = dir.path() / "roundtable.db";
    FakeClock clock;
    std::vector<std::string> notices;
    const std::string aside = path.string() + ".corrupt-20231114T221320Z";
    const auto expect_healed = [&](const std::string& reason) {
        REQUIRE(notices.size() == 1);
        CHECK(notices[0] == "the store " + path.string() + " was damaged (" + reason +
                                "); moved it aside to " + aside + " and started a new one");
        CHECK(fs::exists(aside));
        CHECK(mode_of(path) == 0600);
    };

    SECTION("a file that is not a database is moved aside and replaced") {
        const std::string garbage(8192, 'x');
        dir.write("roundtable.db", garbage);
        Store store = open_with(path, options_with(clock, notices));
        expect_healed("file is not a database");
        CHECK(fs::file_size(aside) == garbage.size());
        REQUIRE(store.put_reply("k", sample_reply(1)));
        CHECK(store.get_reply("k") == sample_reply(1));
    }
    SECTION("opening without create replaces a damaged file too") {
        dir.write("roundtable.db", std::string(8192, 'x'));
        OpenOptions options = options_with(clock, notices);
        options.create = false;
        Store store = open_with(path, options);
        expect_healed("file is not a database");
        REQUIRE(store.put_reply("k", sample_reply(1)));
    }
    SECTION("opening without create does not create a missing file") {
        OpenOptions options = options_with(clock, notices);
        options.create = false;
        const auto store = Store::open((dir.path() / "none" / "roundtable.db").string(), options);
        REQUIRE_FALSE(store.has_value());
        CHECK(store.error() == "cannot open database " +
                                   (dir.path() / "none" / "roundtable.db").string() +
                                   ": no such file");
        CHECK_FALSE(fs::exists(dir.path() / "none"));
    }
    SECTION("a truncated file is moved aside and replaced") {
        fill(path, 100, 8000);
        const auto size = fs::file_size(path);
        fs::resize_file(path, size / 2);
        Store store = open_with(path, options_with(clock, notices));
        expect_healed("database disk image is malformed");
        CHECK(fs::file_size(aside) == size / 2);
        CHECK(store.reply_count() == 0);
        REQUIRE(store.put_reply("k", sample_reply(1)));
    }
    SECTION("a file cut inside its header is moved aside and replaced") {
        fill(path, 3, 100);
        fs::resize_file(path, 50);
        const Store store = open_with(path, options_with(clock, notices));
        REQUIRE(notices.size() == 1);
        CHECK(fs::exists(aside));
    }
    SECTION("a damaged page met by a statement mid-run heals; the statement answers from the new "
            "file") {
        fill(path, 50, 8000);
        const auto root = std::stoll(sql(path, "SELECT rootpage FROM sqlite_schema WHERE name = "
                                               "'replies'"));
        const auto page_size = std::stoll(sql(path, "PRAGMA page_size"));
        Store store = open_with(path, options_with(clock, notices));
        CHECK(notices.empty());
        scribble(path, static_cast<std::uintmax_t>((root - 1) * page_size), 4096);
        CHECK_FALSE(store.get_reply("r7").has_value());
        expect_healed("database disk image is malformed");
        REQUIRE(store.put_reply("r7", sample_reply(7)));
        CHECK(store.get_reply("r7") == sample_reply(7));
        CHECK(notices.size() == 1);
    }
    SECTION("the weekly quick_check of enforce() finds damage no statement met") {
        fill(path, 50, 8000);
        const auto page_size = std::stoll(sql(path, "PRAGMA page_size"));
        const auto pages = std::stoll(sql(path, "PRAGMA page_count"));
        {
            Store first = open_with(path, options_with(clock, notices));
            REQUIRE(first.enforce(Limits{0, 0, 0}, Effort::incremental)); // checks: fine
        }
        CHECK(notices.empty());
        // An overflow page in the middle of the file: open and the index stay readable.
        scribble(path, static_cast<std::uintmax_t>((pages / 2) * page_size), 64);
        Store store = open_with(path, options_with(clock, notices));
        clock.now += 1 * k_day;
        REQUIRE(store.enforce(Limits{0, 0, 0}, Effort::incremental)); // not due: no check
        CHECK(notices.empty());
        clock.now += 7 * k_day;
        REQUIRE(store.enforce(Limits{0, 0, 0}, Effort::incremental));
        REQUIRE(notices.size() == 1);
        CHECK(notices[0].find("was damaged (") != std::string::npos);
        CHECK(files_starting(dir.path(), "roundtable.db.corrupt-").size() == 1);
        CHECK(store.reply_count() == 0);
    }
    SECTION("check_integrity() reports the damage and heals") {
        fill(path, 50, 8000);
        const auto page_size = std::stoll(sql(path, "PRAGMA page_size"));
        const auto pages = std::stoll(sql(path, "PRAGMA page_count"));
        CHECK(open_with(path, options_with(clock, notices)).check_integrity().has_value());
        scribble(path, static_cast<std::uintmax_t>((pages / 2) * page_size), 64);
        Store store = open_with(path, options_with(clock, notices));
        CHECK(notices.empty());
        const auto checked = store.check_integrity();
        REQUIRE_FALSE(checked.has_value());
        CHECK(notices.size() == 1);
        CHECK(store.check_integrity().has_value());
    }
    SECTION("a second damaged file on the same second gets its own name") {
        dir.write("roundtable.db", std::string(8192, 'x'));
        { const Store store = open_with(path, options_with(clock, notices)); }
        fs::remove(path.string() + "-wal");
        fs::remove(path.string() + "-shm");
        dir.write("roundtable.db", std::string(8192, 'y'));
        { const Store store = open_with(path, options_with(clock, notices)); }
        CHECK(notices.size() == 2);
        CHECK(files_starting(dir.path(), "roundtable.db.corrupt-") ==
              std::vector<fs::path>{aside, aside + "-1"});
    }
}

TEST_CASE("store::full and read-only file systems") {
    FaultyVfs::install();
    const TempDir dir;
    const auto path = dir.path() / "roundtable.db";
    FakeClock clock;
    std::vector<std::string> notices;
    OpenOptions options = options_with(clock, notices);
    options.vfs = roundtable::testing::k_faulty_vfs;

    SECTION("a full disk fails writes with the reason; reads go on; nothing is moved") {
        Store store = open_with(path, options);
        REQUIRE(store.put_reply("before", sample_reply(1)));
        {
            const ScopedFault full(ScopedFault::Kind::full);
            const auto put = store.put_reply("during", sample_reply(2));
            REQUIRE_FALSE(put.has_value());
            CHECK(put.error() == "database or disk is full");
            CHECK_FALSE(store.log_card(sample_card("abcdef", "A")).has_value());
            CHECK_FALSE(store.record_run(1, 1).has_value());
            CHECK(store.get_reply("before") == sample_reply(1));
            CHECK(store.reply_count() == 1);
        }
        CHECK(notices.empty());
        CHECK(files_starting(dir.path(), "roundtable.db.corrupt-").empty());
        REQUIRE(store.put_reply("after", sample_reply(3)));
        CHECK(store.reply_count() == 2);
    }
    SECTION("a new store on a full disk cannot be opened; the next open, with space, can") {
        {
            const ScopedFault full(ScopedFault::Kind::full);
            const auto store = Store::open(path.string(), options);
            REQUIRE_FALSE(store.has_value());
            CHECK(store.error() ==
                  "cannot open database " + path.string() + ": database or disk is full");
        }
        CHECK(files_starting(dir.path(), "roundtable.db.corrupt-").empty());
        Store store = open_with(path, options);
        REQUIRE(store.put_reply("k", sample_reply(1)));
        CHECK(notices.empty());
    }
    SECTION("a read-only file system: the store cannot be opened; nothing is moved or lost") {
        fill(path, 5, 100);
        {
            const ScopedFault read_only(ScopedFault::Kind::read_only);
            const auto store = Store::open(path.string(), options);
            REQUIRE_FALSE(store.has_value());
            CHECK(store.error() ==
                  "cannot open database " + path.string() +
                      ": unable to open database file (No such file or directory)");
        }
        CHECK(notices.empty());
        CHECK(files_starting(dir.path(), "roundtable.db.corrupt-").empty());
        CHECK(open_store(path).reply_count() == 5);
    }
}

TEST_CASE("store::kill -9 mid-write loses at most the reply in flight") {
    const TempDir dir;
    const auto path = dir.path() / "roundtable.db";
    std::mt19937 random(12345);
    std::size_t total = 0;
    for (int round = 0; round < 6; ++round) {
        int acks[2];
        REQUIRE(::pipe(acks) == 0);
        const pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            // The child: write replies as fast as it can, acknowledging each commit.
            ::close(acks[0]);
            auto store = Store::open(path.string());
            if (!store) {
                ::_exit(11);
            }
            for (int i = 0;; ++i) {
                const std::string key = "round" + std::to_string(round) + "-" + std::to_string(i);
                if (!store->put_reply(key, big_reply(i, 3000, k_t0 + i))) {
                    ::_exit(12);
                }
                if (::write(acks[1], &i, sizeof i) != sizeof i) {
                    ::_exit(13);
                }
            }
        }
        ::close(acks[1]);
        int last = -1;
        REQUIRE(::read(acks[0], &last, sizeof last) == sizeof last); // writing has begun
        std::this_thread::sleep_for(std::chrono::milliseconds(5 + random() % 60));
        ::kill(pid, SIGKILL);
        int status = 0;
        REQUIRE(::waitpid(pid, &status, 0) == pid);
        CHECK(WIFSIGNALED(status));
        int ack = 0;
        while (::read(acks[0], &ack, sizeof ack) == sizeof ack) {
            last = ack;
        }
        ::close(acks[0]);
        INFO("round " << round << ": " << last + 1 << " replies acknowledged");
        Store store = open_store(path);
        CHECK(store.check_integrity().has_value());
        for (int i = 0; i <= last; ++i) {
            const auto reply =
                store.get_reply("round" + std::to_string(round) + "-" + std::to_string(i));
            REQUIRE(reply.has_value());
            CHECK(reply->text == big_reply(i, 3000, 0).text);
        }
        const std::size_t count = store.reply_count();
        const std::size_t acknowledged = total + static_cast<std::size_t>(last + 1);
        CHECK(count >= acknowledged);
        CHECK(count <= acknowledged + 1); // the one in flight may have committed, unacknowledged
        total = count;
    }
}

TEST_CASE("store::get_reply ignores replies past reply_max_age_s") {
    const TempDir dir;
    FakeClock clock;
    std::vector<std::string> notices;
    OpenOptions options = options_with(clock, notices);
    options.reply_max_age_s = 30 * k_day;
    Store store = open_with(dir.path() / "roundtable.db", options);
    REQUIRE(store.put_reply("edge", big_reply(1, 10, k_t0 - 30 * k_day)));
    REQUIRE(store.put_reply("stale", big_reply(2, 10, k_t0 - 30 * k_day - 1)));
    CHECK(store.get_reply("edge").has_value());
    CHECK_FALSE(store.get_reply("stale").has_value());
    CHECK(store.reply_count() == 2); // ignored, not yet removed: enforce() does that
}

TEST_CASE("store::open of an existing store writes nothing") {
    const TempDir dir;
    const auto path = dir.path() / "roundtable.db";
    fill(path, 3, 100);
    REQUIRE_FALSE(fs::exists(path.string() + "-wal")); // closed: checkpointed and removed
    const Store store = open_store(path);
    CHECK(store.reply_count() == 3);
    CHECK(fs::file_size(path.string() + "-wal") == 0);
}
