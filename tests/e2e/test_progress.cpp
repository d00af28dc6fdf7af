// End-to-end tests of live progress in a pseudo-terminal (forkpty): the binary runs a
// panel against the loopback fake server with latency, its stderr on the terminal and
// its stdout in a file. Progress names every seat before round 1 ends, shows a retry
// with its wait, is cleared before the card (and on Ctrl-C), and never reaches a pipe.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cerrno>
#include <csignal>
#include <fake/fake_batch.hpp>
#include <fake/fake_panel.hpp>
#include <fake/replies.hpp>
#include <fcntl.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <poll.h>
#include <pty.h>
#include <regex>
#include <sstream>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>
#include <sys/wait.h>
#include <unistd.h>

using namespace roundtable::testing;
using nlohmann::json;
using namespace std::chrono_literals;

namespace {

const std::map<std::string, std::string> k_keys{
    {"ANTHROPIC_API_KEY", "SENTINEL-ANTHROPIC-KEY-0001"},
    {"OPENAI_API_KEY", "SENTINEL-OPENAI-KEY-0002"},
    {"GEMINI_API_KEY", "SENTINEL-GEMINI-KEY-0003"},
    {"XAI_API_KEY", "SENTINEL-XAI-KEY-0004"}};

struct PtyRun {
    std::string terminal; // everything written to the terminal (stderr), escapes included
    std::string out;      // stdout, from its file
    int exit_code = -1;
};

// Runs the binary with `args`, stderr (and stdin) on a pseudo-terminal and stdout in a file;
// sends SIGINT after `interrupt_after` when given; kills it after 60 s.
PtyRun run_in_pty(const std::vector<std::string>& args,
                  const std::map<std::string, std::string>& env,
                  const std::filesystem::path& out_file,
                  std::optional<std::chrono::milliseconds> interrupt_after = std::nullopt) {
    winsize size{};
    size.ws_row = 40;
    size.ws_col = 120;
    int master = -1;
    const pid_t pid = forkpty(&master, nullptr, nullptr, &size);
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, STDOUT_FILENO);
        ::close(fd);
        const std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "/usr/bin";
        ::clearenv();
        ::setenv("PATH", path.c_str(), 1);
        ::setenv("TERM", "xterm", 1);
        ::setenv("XDG_CONFIG_HOME", "/nonexistent/roundtable-test-config", 1);
        for (const auto& [name, value] : env) {
            ::setenv(name.c_str(), value.c_str(), 1);
        }
        std::vector<char*> argv{const_cast<char*>(RT_BINARY)};
        for (const auto& arg : args) {
            argv.push_back(const_cast<char*>(arg.c_str()));
        }
        argv.push_back(nullptr);
        ::execv(RT_BINARY, argv.data());
        ::_exit(127);
    }
    PtyRun run;
    const auto started = std::chrono::steady_clock::now();
    bool interrupted = false;
    char buffer[4096];
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        if (interrupt_after && !interrupted && now - started >= *interrupt_after) {
            ::kill(pid, SIGINT);
            interrupted = true;
        }
        if (now - started > 60s) {
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 50) <= 0) {
            continue;
        }
        const ssize_t n = ::read(master, buffer, sizeof buffer);
        if (n <= 0) {
            break; // EIO: the child closed the terminal
        }
        run.terminal.append(buffer, static_cast<std::size_t>(n));
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(master);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::ifstream in(out_file, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    run.out = s.str();
    return run;
}

// Returns `raw` without terminal escapes and carriage returns.
std::string plain(const std::string& raw) {
    return std::regex_replace(std::regex_replace(raw, std::regex("\x1b\\[[0-9;?]*[A-Za-z]"), ""),
                              std::regex("\r"), "");
}

// Returns the offset of the first line of `text` holding every one of `parts`, or npos.
std::size_t find_line(const std::string& text, const std::vector<std::string>& parts) {
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t end = std::min(text.find('\n', at), text.size());
        const std::string line = text.substr(at, end - at);
        if (std::all_of(parts.begin(), parts.end(),
                        [&](const std::string& p) { return line.find(p) != std::string::npos; })) {
            return at;
        }
        at = end + 1;
    }
    return std::string::npos;
}

} // namespace

TEST_CASE("progress::live lines on a terminal, cleared before the card") {
    FakePanel fake(1500ms);
    TempDir dir;
    fake.server.enqueue(
        "/v1/messages",
        json_reply(429, anthropic_error("rate_limit_error", "slow down"), {{"retry-after", "1"}}));
    const auto cfg = dir.write("config.toml", fake.config());
    auto env = k_keys;
    env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    const std::vector<std::string> args{source_path("examples/bearish-truck-recall.txt"),
                                        "--config",
                                        cfg.string(),
                                        "-f",
                                        "json",
                                        "--no-cache"};

    const PtyRun r = run_in_pty(args, env, dir.path() / "out.json");
    INFO(plain(r.terminal));
    REQUIRE(r.exit_code == 0);
    // stdout holds only the card.
    const json card = json::parse(r.out);
    CHECK(card.at("takes").size() == 4);

    const std::string text = plain(r.terminal);
    const std::size_t round2 = text.find(" rebuttal ");
    REQUIRE(round2 != std::string::npos);
    for (const std::string seat : {"claude", "gpt", "gemini", "grok"}) {
        INFO(seat);
        const std::size_t line = find_line(text, {seat, " take ", "answering"});
        CHECK(line < round2);
    }
    CHECK(find_line(text, {"claude", "claude-sonnet-4-6", "take",
                           "retrying after HTTP 429, waiting 1.0 s"}) != std::string::npos);
    CHECK(find_line(text, {"gpt", "take", "done, 1000/200 tokens"}) != std::string::npos);
    // Lines are redrawn in place, and erased at the end: nothing is drawn after the last erase.
    CHECK(r.terminal.find("\x1b[4A") != std::string::npos);
    const std::size_t erased = r.terminal.rfind("\x1b[J");
    REQUIRE(erased != std::string::npos);
    CHECK(plain(r.terminal.substr(erased)).find_first_not_of(" \n") == std::string::npos);
    for (const auto& [name, key] : k_keys) {
        CHECK(r.terminal.find(key) == std::string::npos);
    }
}

TEST_CASE("progress::Ctrl-C leaves the terminal clean") {
    FakePanel fake(10s);
    TempDir dir;
    const auto cfg = dir.write("config.toml", fake.config());
    auto env = k_keys;
    env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    const PtyRun r = run_in_pty(
        {source_path("examples/bearish-truck-recall.txt"), "--config", cfg.string(), "--no-cache"},
        env, dir.path() / "out.txt", 1500ms);
    INFO(plain(r.terminal));
    CHECK(r.exit_code == 130);
    CHECK(r.out.empty());
    const std::size_t erased = r.terminal.rfind("\x1b[J");
    REQUIRE(erased != std::string::npos);
    CHECK(find_line(plain(r.terminal), {"claude", "answering"}) != std::string::npos);
    const std::string after = plain(r.terminal.substr(erased));
    CHECK(after.find("answering") == std::string::npos);
    CHECK(after.find("roundtable: interrupted") != std::string::npos);
}

TEST_CASE("progress::a pipe gets none unless asked") {
    FakePanel fake(100ms);
    TempDir dir;
    RunSpec spec;
    const auto cfg = dir.write("config.toml", fake.config());
    spec.args = {source_path("examples/bearish-truck-recall.txt"),
                 "--config",
                 cfg.string(),
                 "-f",
                 "json",
                 "--no-cache"};
    spec.env = k_keys;
    spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();

    const RunResult quiet = run_binary(spec);
    REQUIRE(quiet.exit_code == 0);
    CHECK(quiet.err.find("answering") == std::string::npos);
    CHECK(quiet.err.find("\x1b[") == std::string::npos);

    spec.args.insert(spec.args.end(), {"--progress", "plain"});
    const RunResult plain_lines = run_binary(spec);
    INFO(plain_lines.err);
    REQUIRE(plain_lines.exit_code == 0);
    CHECK(find_line(plain_lines.err, {"roundtable: progress: claude", "waiting"}) !=
          std::string::npos);
    CHECK(find_line(plain_lines.err, {"roundtable: progress: gpt", "rebuttal", "done"}) !=
          std::string::npos);
    CHECK(find_line(plain_lines.err, {"roundtable: progress: claude", "chair", "done"}) !=
          std::string::npos);
    CHECK(plain_lines.err.find("\x1b[") == std::string::npos);
    CHECK(json::parse(plain_lines.out).at("takes").size() == 4);

    spec.args.back() = "sideways";
    const RunResult bad = run_binary(spec);
    CHECK(bad.exit_code == 2);
    CHECK(bad.err ==
          "roundtable: error: --progress: expected auto, plain or off (got 'sideways')\n");
}

namespace {

// Writes three articles (copies of the examples) under `dir`/corpus; returns the folder.
std::filesystem::path three_articles(TempDir& dir) {
    const std::vector<std::string> examples{"bearish-truck-recall.txt",
                                            "bullish-solar-storage-expansion.txt",
                                            "mixed-streaming-merger.txt"};
    for (std::size_t i = 0; i < examples.size(); ++i) {
        std::ifstream in(source_path("examples/" + examples[i]), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        dir.write("corpus/a" + std::to_string(i) + ".txt", text.str());
    }
    return dir.path() / "corpus";
}

} // namespace

TEST_CASE("progress::batch draws one line from the panels' events, cleared at the end") {
    FakePanel fake(1500ms);
    TempDir dir;
    fake.server.enqueue(
        "/v1/messages",
        json_reply(429, anthropic_error("rate_limit_error", "slow down"), {{"retry-after", "2"}}));
    const auto cfg = dir.write("config.toml", fake.config());
    const auto corpus = three_articles(dir);
    auto env = k_keys;
    env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    const auto jsonl = dir.path() / "cards.jsonl";
    const PtyRun r = run_in_pty({"batch", corpus.string(), "--config", cfg.string(), "--jsonl",
                                 jsonl.string(), "-j", "3", "--no-cache"},
                                env, dir.path() / "out.txt");
    INFO(plain(r.terminal));
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.empty());
    std::ifstream in(jsonl);
    std::size_t lines = 0;
    for (std::string line; std::getline(in, line);) {
        lines += json::parse(line).contains("card") ? 1 : 0;
    }
    CHECK(lines == 3);

    // The line is redrawn in place (no newline between draws): split the draws at "\r".
    std::vector<std::string> draws;
    std::string text = std::regex_replace(r.terminal, std::regex("\x1b\\[[0-9;?]*[A-Za-z]"), "");
    std::size_t at = 0;
    while (at < text.size()) {
        const std::size_t end = std::min(text.find_first_of("\r\n", at), text.size());
        draws.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    auto drawn = [&](const std::vector<std::string>& parts) {
        return std::any_of(draws.begin(), draws.end(), [&](const std::string& d) {
            return std::all_of(parts.begin(), parts.end(), [&](const std::string& p) {
                return d.find(p) != std::string::npos;
            });
        });
    };
    CHECK(drawn({"[0/3] 0 failed", "3 running", "answering", "longest: ", " take "}));
    CHECK(drawn({"retrying (HTTP 429; next in"}));
    CHECK(drawn({"[3/3] 0 failed"}));
    // Nothing of the line is left after the last erase but the summary.
    const std::size_t erased = r.terminal.rfind("\r\x1b[2K");
    REQUIRE(erased != std::string::npos);
    const std::string after = plain(r.terminal.substr(erased));
    CHECK(after.find("running") == std::string::npos);
    CHECK(after.find("roundtable: batch: 3 cards, 0 failed") != std::string::npos);
    // Never wider than the terminal (120 columns).
    for (const auto& d : draws) {
        CHECK(d.size() < 200); // bytes: "·" is two; the cut is by columns
    }
}

TEST_CASE("progress::batch in a pipe: nothing unless asked, plain lines name the article") {
    FakePanel fake(50ms);
    TempDir dir;
    const auto cfg = dir.write("config.toml", fake.config());
    const auto corpus = three_articles(dir);
    RunSpec spec;
    spec.args = {"batch", corpus.string(), "--config", cfg.string(), "--no-cache"};
    spec.env = k_keys;
    spec.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();

    const RunResult quiet = run_binary(spec);
    REQUIRE(quiet.exit_code == 0);
    CHECK(quiet.err.find("progress") == std::string::npos);
    CHECK(quiet.err.find("\x1b[") == std::string::npos);

    spec.args.insert(spec.args.end(), {"--progress", "plain"});
    const RunResult lines = run_binary(spec);
    INFO(lines.err);
    REQUIRE(lines.exit_code == 0);
    CHECK(find_line(lines.err, {"roundtable: progress: a0.txt: claude", "take", "answering"}) !=
          std::string::npos);
    CHECK(find_line(lines.err, {"roundtable: progress: a2.txt: grok", "chair"}) ==
          std::string::npos); // the chair is claude, the first seat
    CHECK(find_line(lines.err, {"roundtable: progress: a1.txt: gpt", "rebuttal", "done"}) !=
          std::string::npos);
    CHECK(find_line(lines.err, {"roundtable: progress: [3/", "0 failed"}) != std::string::npos);
    CHECK(lines.err.find("\x1b[") == std::string::npos);
}

TEST_CASE("progress::provider batch jobs on a terminal: per provider in the line, not as lines") {
    FakePanel fake(0ms);
    FakeBatch batch(fake.server, 2500ms);
    TempDir dir;
    const auto cfg = dir.write("config.toml", fake.config());
    const auto corpus = three_articles(dir);
    auto env = k_keys;
    env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    const auto jsonl = dir.path() / "cards.jsonl";
    const PtyRun r = run_in_pty({"batch", corpus.string(), "--config", cfg.string(), "--jsonl",
                                 jsonl.string(), "--provider-batch", "--poll", "0.5", "--no-cache"},
                                env, dir.path() / "out.txt");
    const std::string text = plain(r.terminal);
    INFO(text);
    REQUIRE(r.exit_code == 0);
    // Round 1: one job per seat of three requests each, in the line per provider.
    const std::regex in_line(R"(\[0/3\] 0 failed · \$0\.0000 · anthropic in_progress 0/3 · )"
                             R"(gemini BATCH_STATE_\w+ 0/3 · openai \w+ 0/3)");
    CHECK(std::regex_search(text, in_line));
    CHECK(std::regex_search(text, std::regex(R"(\[3/3\] 0 failed .* anthropic ended)")));
    // On a terminal the state changes are in the line, not printed one per line.
    CHECK(text.find("roundtable: anthropic job") == std::string::npos);
    CHECK(text.find("roundtable: batch: 3 cards, 0 failed") != std::string::npos);
}

TEST_CASE("progress::Ctrl-C in batch leaves the terminal clean") {
    FakePanel fake(10s);
    TempDir dir;
    const auto cfg = dir.write("config.toml", fake.config());
    const auto corpus = three_articles(dir);
    auto env = k_keys;
    env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
    const PtyRun r = run_in_pty({"batch", corpus.string(), "--config", cfg.string(), "--jsonl",
                                 (dir.path() / "cards.jsonl").string(), "--no-cache"},
                                env, dir.path() / "out.txt", 2500ms);
    INFO(plain(r.terminal));
    CHECK(r.exit_code == 130);
    CHECK(plain(r.terminal).find("answering") != std::string::npos); // the line was drawn
    const std::size_t erased = r.terminal.rfind("\r\x1b[2K");
    REQUIRE(erased != std::string::npos);
    const std::string after = plain(r.terminal.substr(erased));
    CHECK(after.find("running") == std::string::npos);
    CHECK(after.find("interrupted") != std::string::npos);
}
