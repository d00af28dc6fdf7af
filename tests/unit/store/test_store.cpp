#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <roundtable/store/store.hpp>
#include <sqlite3.h>
#include <string>
#include <support/temp_dir.hpp>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using roundtable::store::CachedReply;
using roundtable::store::CardLogEntry;
using roundtable::store::Store;
using roundtable::testing::TempDir;

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
    SECTION("a corrupt file is an error naming the path") {
        const auto path = dir.write("roundtable.db", std::string(8192, 'x'));
        const auto store = Store::open(path.string());
        REQUIRE_FALSE(store.has_value());
        CHECK(store.error() ==
              "cannot open database " + path.string() + ": file is not a database");
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
                                   ": schema version 99 is newer than this roundtable's (2)");
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
