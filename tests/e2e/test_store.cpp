// End to end: the store as a user meets it (issue 16) -- private files whatever
// the umask, the warning for a store open to others, `roundtable cache` and its
// prune and clear, damaged files replaced, read-only and full file systems (a
// small tmpfs, when this process may mount one), and kill -9 in a batch.
#include <catch2/catch.hpp>
#include <fake/fake_panel.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sqlite3.h>
#include <sstream>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>
#include <sys/mount.h>
#include <sys/stat.h>

using namespace roundtable::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const std::map<std::string, std::string> k_keys{
    {"ANTHROPIC_API_KEY", "SENTINEL-ANTHROPIC-KEY-0001"},
    {"OPENAI_API_KEY", "SENTINEL-OPENAI-KEY-0002"},
    {"GEMINI_API_KEY", "SENTINEL-GEMINI-KEY-0003"},
    {"XAI_API_KEY", "SENTINEL-XAI-KEY-0004"}};

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

int mode_of(const fs::path& path) {
    struct stat info {};
    return ::stat(path.c_str(), &info) == 0 ? static_cast<int>(info.st_mode & 07777) : -1;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) {
        ++n;
    }
    return n;
}

// A run of the binary against the fake panel with its cache under `cache_home`.
RunSpec spec_for(const FakePanel& fake, TempDir& dir, const fs::path& cache_home,
                 std::vector<std::string> args) {
    RunSpec spec;
    spec.args = std::move(args);
    spec.args.insert(spec.args.end(),
                     {"--config", dir.write("config.toml", fake.config()).string()});
    spec.env = k_keys;
    spec.env["XDG_CACHE_HOME"] = cache_home.string();
    spec.timeout = std::chrono::seconds(120);
    return spec;
}

// A card for the truck-recall example, as JSON.
RunSpec card_spec(const FakePanel& fake, TempDir& dir, const fs::path& cache_home,
                  std::vector<std::string> extra = {}) {
    std::vector<std::string> args{source_path("examples/bearish-truck-recall.txt"), "--format",
                                  "json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return spec_for(fake, dir, cache_home, std::move(args));
}

// Writes `n` articles: copies of the truck-recall example, each with its own closing line.
fs::path write_corpus(TempDir& dir, int n) {
    const std::string base = slurp(source_path("examples/bearish-truck-recall.txt"));
    for (int i = 0; i < n; ++i) {
        dir.write(fmt::format("corpus/story-{:02}.txt", i),
                  base + fmt::format("\nFiled as story {}.\n", i));
    }
    return dir.path() / "corpus";
}

// Runs `text` on the database at `path` (recovering a WAL left by a killed process);
// returns the first column of the first row.
std::string sql(const fs::path& path, const std::string& text) {
    sqlite3* db = nullptr;
    std::string answer;
    if (sqlite3_open(path.c_str(), &db) == SQLITE_OK) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db, text.c_str(), -1, &statement, nullptr) == SQLITE_OK &&
            sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0)) {
            answer = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        }
        sqlite3_finalize(statement);
    }
    sqlite3_close(db);
    return answer;
}

// Returns the files moved aside beside the database at `db`.
std::vector<fs::path> moved_aside(const fs::path& db) {
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(db.parent_path())) {
        if (entry.path().filename().string().starts_with("roundtable.db.corrupt-")) {
            found.push_back(entry.path());
        }
    }
    return found;
}

// A tmpfs of `size` mounted on a folder for the life of the object, when this
// process may mount one (root, or CAP_SYS_ADMIN); mounted() says whether it is.
class Tmpfs {
public:
    Tmpfs(const fs::path& where, const std::string& size) : m_where(where) {
        fs::create_directories(where);
        m_mounted = ::mount("tmpfs", where.c_str(), "tmpfs", 0,
                            ("size=" + size + ",mode=0755").c_str()) == 0;
    }
    Tmpfs(const Tmpfs&) = delete;
    Tmpfs& operator=(const Tmpfs&) = delete;
    ~Tmpfs() {
        if (m_mounted) {
            ::umount2(m_where.c_str(), MNT_DETACH);
        }
    }
    bool mounted() const { return m_mounted; }
    bool remount_read_only() const {
        return ::mount(nullptr, m_where.c_str(), nullptr, MS_REMOUNT | MS_RDONLY, nullptr) == 0;
    }
    // Writes a file until the file system is full.
    void fill() const {
        std::ofstream out(m_where / "filler", std::ios::binary);
        const std::string block(4096, 'f');
        while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) {
        }
    }

private:
    fs::path m_where;
    bool m_mounted = false;
};

} // namespace

TEST_CASE("e2e::store files are private whatever the umask; outputs keep it") {
    FakePanel fake;
    for (const unsigned mask : {0000U, 0022U}) {
        DYNAMIC_SECTION("umask 0" << (mask == 0 ? "00" : "22")) {
            TempDir dir;
            const auto cache_home = dir.path() / "xdg" / "cache";
            auto spec =
                card_spec(fake, dir, cache_home, {"-o", (dir.path() / "card.json").string()});
            spec.umask = mask;
            const auto r = run_binary(spec);
            INFO(r.err);
            REQUIRE(r.exit_code == 0);
            CHECK(r.err.empty());
            const auto db = cache_home / "roundtable" / "roundtable.db";
            CHECK(mode_of(dir.path() / "xdg") == 0700);
            CHECK(mode_of(cache_home) == 0700);
            CHECK(mode_of(cache_home / "roundtable") == 0700);
            CHECK(mode_of(db) == 0600);
            CHECK(sql(db, "SELECT count(*) FROM replies") == "9");
            // -o and --jsonl are the user's files: the umask decides.
            CHECK(mode_of(dir.path() / "card.json") == (0666 & ~static_cast<int>(mask)));
            auto batch = spec_for(fake, dir, cache_home,
                                  {"batch", write_corpus(dir, 1).string(), "--jsonl",
                                   (dir.path() / "cards.jsonl").string()});
            batch.umask = mask;
            REQUIRE(run_binary(batch).exit_code == 0);
            CHECK(mode_of(dir.path() / "cards.jsonl") == (0666 & ~static_cast<int>(mask)));
            CHECK(mode_of(db) == 0600);
        }
    }
}

TEST_CASE("e2e::a store open to other users is one warning with the fix") {
    FakePanel fake;
    TempDir dir;
    const auto cache_home = dir.path() / "cache";
    REQUIRE(run_binary(card_spec(fake, dir, cache_home)).exit_code == 0);
    const auto folder = cache_home / "roundtable";
    const auto db = folder / "roundtable.db";
    ::chmod(folder.c_str(), 0755);
    ::chmod(db.c_str(), 0644);
    const std::string warning = "roundtable: warning: the store " + db.string() +
                                " is open to other users (folder 0755, roundtable.db 0644); fix: "
                                "chmod 700 " +
                                folder.string() + " && chmod 600 " + db.string() + "*\n";
    const auto r = run_binary(card_spec(fake, dir, cache_home));
    CHECK(r.exit_code == 0);
    CHECK(r.err == warning);
    CHECK(json::parse(r.out).at("consensus").at("stance") == "bearish");
    auto show = card_spec(fake, dir, cache_home);
    show.args = {"cache"};
    const auto shown = run_binary(show);
    CHECK(shown.exit_code == 0);
    CHECK(shown.err == warning);
    // After the fix: quiet.
    ::chmod(folder.c_str(), 0700);
    ::chmod(db.c_str(), 0600);
    CHECK(run_binary(card_spec(fake, dir, cache_home)).err.empty());
}

TEST_CASE("e2e::cache shows, prunes and clears the store") {
    FakePanel fake;
    TempDir dir;
    const auto cache_home = dir.path() / "cache";
    const auto db = (cache_home / "roundtable" / "roundtable.db").string();
    const auto corpus = write_corpus(dir, 12);
    const auto cache = [&](std::vector<std::string> args) {
        auto spec = spec_for(fake, dir, cache_home, {"cache"});
        spec.args.insert(spec.args.end(), args.begin(), args.end());
        return run_binary(spec);
    };

    const auto none = cache({});
    CHECK(none.exit_code == 0);
    CHECK(none.out == "store     " + db + "\n          none yet (the first card creates it)\n");

    REQUIRE(run_binary(spec_for(fake, dir, cache_home, {"batch", corpus.string()})).exit_code == 0);
    REQUIRE(run_binary(spec_for(fake, dir, cache_home, {"batch", corpus.string()})).exit_code == 0);
    const auto shown = cache({});
    INFO(shown.out);
    CHECK(shown.exit_code == 0);
    CHECK(shown.out.starts_with("store     " + db + "\nsize      "));
    CHECK(shown.out.find("\nreplies   108 (oldest ") != std::string::npos);
    CHECK(shown.out.find("\ncards     24 (oldest ") != std::string::npos);
    CHECK(shown.out.find("\nhit rate  50% over the last 2 runs (108 of 216 lookups); last run "
                         "100% (108 of 108)\n") != std::string::npos);

    const auto pruned = cache({"prune", "--max-size", "100K"});
    INFO(pruned.out);
    CHECK(pruned.exit_code == 0);
    CHECK(pruned.out.starts_with("removed "));
    const auto after_prune = json::parse(cache({"--json"}).out);
    CHECK(after_prune.at("data_bytes").get<std::int64_t>() <= 100 * 1024);
    CHECK(after_prune.at("replies").get<int>() < 108);
    CHECK(after_prune.at("file_bytes").get<std::int64_t>() < 400 * 1024);

    const auto bad = cache({"prune", "--older-than", "soon"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err == "roundtable: error: --older-than: expected a duration such as 7d, 12h, 30m, "
                     "90s or 2w, got 'soon'\n");

    // stdin is not a terminal here: clear does not ask.
    const auto cleared = cache({"clear"});
    CHECK(cleared.exit_code == 0);
    CHECK(cleared.err.empty());
    CHECK(cleared.out.starts_with("removed "));
    const auto after_clear = json::parse(cache({"--json"}).out);
    CHECK(after_clear.at("replies") == 0);
    CHECK(after_clear.at("cards") == 0);
    auto logs = spec_for(fake, dir, cache_home, {"logs"});
    logs.args = {"logs"};
    CHECK(run_binary(logs).out == "no cards logged yet\n");
}

TEST_CASE("e2e::store limits from config.toml") {
    TempDir dir;
    RunSpec spec;
    spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    SECTION("sets the limits") {
        spec.args = {"cache", "--config",
                     dir.write("config.toml", "[store]\ncache_max_mb = 200\ncache_max_age_days = "
                                              "7\nlog_max_age_days = 14\n")
                         .string(),
                     "--json"};
        const auto r = run_binary(spec);
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("\"exists\": false") != std::string::npos);
        spec.args = {"cache", "prune", "--config", spec.args[2]};
        CHECK(run_binary(spec).out ==
              "no store at " + (dir.path() / "cache" / "roundtable" / "roundtable.db").string() +
                  ": nothing to prune\n");
    }
    SECTION("an unknown key or a bad value is a configuration error with its line") {
        const auto config =
            dir.write("config.toml", "[store]\ncache_max_mb = 200\ncache_max_gb = 1\n");
        spec.args = {"cache", "--config", config.string()};
        auto r = run_binary(spec);
        CHECK(r.exit_code == 4);
        CHECK(r.err ==
              "roundtable: error: " + config.string() + ":3: unknown key 'store.cache_max_gb'\n");
        dir.write("config.toml", "[store]\ncache_max_age_days = -1\n");
        r = run_binary(spec);
        CHECK(r.exit_code == 4);
        CHECK(r.err == "roundtable: error: " + config.string() +
                           ":2: 'store.cache_max_age_days' must be a whole number between 0 (no "
                           "limit) and 36500\n");
    }
}

TEST_CASE("e2e::a damaged store is moved aside with one warning; the card is unchanged") {
    FakePanel fake;
    TempDir dir;
    const auto cache_home = dir.path() / "cache";
    const auto db = cache_home / "roundtable" / "roundtable.db";
    const auto card_of = [&] {
        const auto r = run_binary(card_spec(fake, dir, cache_home));
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        auto card = json::parse(r.out);
        card.at("usage").erase("wall_ms");
        card.at("usage").erase("cache_hits");
        return std::pair{card, r.err};
    };
    const auto [reference, quiet] = card_of();
    CHECK(quiet.empty());

    SECTION("not a database") {
        fs::remove(db);
        dir.write("cache/roundtable/roundtable.db",
                  "this is not a database, it is a shopping list");
        const auto [card, err] = card_of();
        CHECK(card == reference);
        CHECK(count(err, "\n") == 1);
        CHECK(err.starts_with("roundtable: warning: the store " + db.string() +
                              " was damaged (file is not a database); moved it aside to " +
                              db.string() + ".corrupt-"));
        CHECK(err.ends_with(" and started a new one\n"));
        REQUIRE(moved_aside(db).size() == 1);
        CHECK(slurp(moved_aside(db)[0]) == "this is not a database, it is a shopping list");
        CHECK(mode_of(db) == 0600);
        // The next run uses the new store quietly, from its cache.
        const auto again = run_binary(card_spec(fake, dir, cache_home));
        CHECK(again.err.empty());
        CHECK(json::parse(again.out).at("usage").at("cache_hits") == 9);
    }
    SECTION("truncated") {
        REQUIRE(
            run_binary(spec_for(fake, dir, cache_home, {"batch", write_corpus(dir, 6).string()}))
                .exit_code == 0);
        fs::resize_file(db, fs::file_size(db) / 2);
        const auto [card, err] = card_of();
        CHECK(card == reference);
        CHECK(count(err, "\n") == 1);
        CHECK(err.find(" was damaged (database disk image is malformed); moved it aside to ") !=
              std::string::npos);
        CHECK(moved_aside(db).size() == 1);
        auto logs = spec_for(fake, dir, cache_home, {"logs"});
        logs.args = {"logs", "--json"};
        const auto listed = run_binary(logs);
        CHECK(listed.exit_code == 0);
        CHECK(json::parse(listed.out).size() == 1); // the card just made
    }
}

TEST_CASE("e2e::a store on a full or read-only file system: the card, with one warning") {
    FakePanel fake;
    TempDir dir;
    const auto mount_point = dir.path() / "mnt";
    // Room for a first run's store (the database, its WAL and shared memory); fill() fills it.
    Tmpfs tmpfs(mount_point, "4m");
    if (!tmpfs.mounted()) {
        WARN("cannot mount a tmpfs here (not root?): the VFS-seam tests in test_store cover this");
        return;
    }
    const auto cache_home = mount_point / "cache";
    const auto expect_card_and_one_warning = [&](const RunResult& r) {
        INFO(r.err);
        CHECK(r.exit_code == 0);
        CHECK(json::parse(r.out).at("consensus").at("stance") == "bearish");
        CHECK(count(r.err, "\n") == 1);
        CHECK(r.err.starts_with("roundtable: warning: reply cache: "));
        CHECK(r.err.ends_with(" (continuing without it)\n"));
    };

    SECTION("full before the store exists") {
        tmpfs.fill();
        const auto r = run_binary(card_spec(fake, dir, cache_home));
        expect_card_and_one_warning(r);
        CHECK((r.err.find("disk is full") != std::string::npos ||
               r.err.find("No space left on device") != std::string::npos));
    }
    SECTION("full once the store exists") {
        REQUIRE(run_binary(card_spec(fake, dir, cache_home)).exit_code == 0);
        tmpfs.fill();
        // A new article needs new replies: writes fail, the card does not.
        auto spec = card_spec(fake, dir, cache_home);
        spec.args[0] = source_path("examples/mixed-streaming-merger.txt");
        const auto r = run_binary(spec);
        expect_card_and_one_warning(r);
        CHECK((r.err.find("database or disk is full") != std::string::npos ||
               r.err.find("(No space left on device)") != std::string::npos));
        CHECK(moved_aside(cache_home / "roundtable" / "roundtable.db").empty());
    }
    SECTION("read-only") {
        REQUIRE(run_binary(card_spec(fake, dir, cache_home)).exit_code == 0);
        REQUIRE(tmpfs.remount_read_only());
        const auto r = run_binary(card_spec(fake, dir, cache_home));
        expect_card_and_one_warning(r);
        CHECK(r.err == "roundtable: warning: reply cache: cannot open database " +
                           (cache_home / "roundtable" / "roundtable.db").string() +
                           ": read-only file system (continuing without it)\n");
        CHECK(fake.server.requests().size() == 18); // the run went on without the cache
    }
}

TEST_CASE("e2e::a batch killed mid-run keeps every finished reply; the rerun reuses them all") {
    for (const int signal : {SIGKILL, SIGINT}) {
        DYNAMIC_SECTION((signal == SIGKILL ? "kill -9" : "Ctrl-C")) {
            FakePanel fake(std::chrono::milliseconds(40));
            TempDir dir;
            const auto cache_home = dir.path() / "cache";
            const auto db = cache_home / "roundtable" / "roundtable.db";
            const auto corpus = write_corpus(dir, 12);
            auto spec = spec_for(fake, dir, cache_home, {"batch", corpus.string(), "--jobs", "2"});
            spec.interrupt_signal = signal;
            spec.interrupt_when = [&fake] { return fake.server.requests().size() >= 40; };
            const auto killed = run_binary(spec);
            CHECK(killed.exit_code == (signal == SIGKILL ? 128 + SIGKILL : 130));
            const std::size_t asked = fake.server.requests().size();
            CHECK(sql(db, "PRAGMA integrity_check") == "ok");
            const std::size_t kept = std::stoul(sql(db, "SELECT count(*) FROM replies"));
            INFO(asked << " calls made, " << kept << " replies kept");
            CHECK(kept >= 30);
            // At most the calls in flight are lost: two panels of four seats.
            CHECK(asked - kept <= 8);

            fake.server.reset_stats();
            auto rerun = spec_for(fake, dir, cache_home, {"batch", corpus.string()});
            const auto done = run_binary(rerun);
            INFO(done.err);
            REQUIRE(done.exit_code == 0);
            CHECK(fake.server.requests().size() == 12 * 9 - kept);
            std::int64_t hits = 0;
            std::istringstream lines(done.out);
            for (std::string line; std::getline(lines, line);) {
                hits += json::parse(line).at("card").at("usage").at("cache_hits").get<int>();
            }
            CHECK(hits == static_cast<std::int64_t>(kept));
        }
    }
}
