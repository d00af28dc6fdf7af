// The fault soak (issue 12): `roundtable batch` over 300 articles against the
// fake provider server, with faults on about 15% of the calls drawn from a
// fixed seed (fake/fault_injector.hpp: 429s with waits, 500s, 503s, dropped
// connections, truncated bodies, model text that is not JSON, slow drips,
// replies over the size cap); Ctrl-C once about a third of the cards are
// written, then --resume to the end. Every article must appear exactly once,
// every line whole and of a documented shape, a seat may fail only where it
// was faulted, an article may lose quorum only where two seats or more were
// faulted, and the binary (the ASan one in the ASan build) reports nothing.
//
// Its own binary and ctest entry (label "soak"): `ctest --preset asan -L soak`.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fake/fake_panel.hpp>
#include <fake/fault_injector.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <httplib.h>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <roundtable/guard/extract.hpp>
#include <set>
#include <sstream>
#include <string>
#include <support/run_binary.hpp>
#include <support/temp_dir.hpp>
#include <vector>

using namespace roundtable::testing;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int k_articles = 300;
constexpr std::uint32_t k_seed = 20261130;
constexpr double k_fault_rate = 0.15;
constexpr std::size_t k_interrupt_at_lines = 100;
constexpr std::string_view k_tag = "Soak story ";

const std::map<std::string, std::string> k_keys{{"ANTHROPIC_API_KEY", "k-soak-anthropic"},
                                                {"OPENAI_API_KEY", "k-soak-openai"},
                                                {"GEMINI_API_KEY", "k-soak-gemini"},
                                                {"XAI_API_KEY", "k-soak-xai"}};

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string article_id(int n) {
    return fmt::format("story-{:04}.txt", n);
}

// Returns the article number a request's prompt carries ("Soak story 0042"), or -1.
int article_of(const std::string& body) {
    const auto at = body.find(k_tag);
    if (at == std::string::npos || at + k_tag.size() + 4 > body.size()) {
        return -1;
    }
    int n = 0;
    for (std::size_t i = at + k_tag.size(); i < at + k_tag.size() + 4; ++i) {
        if (body[i] < '0' || body[i] > '9') {
            return -1;
        }
        n = n * 10 + (body[i] - '0');
    }
    return n;
}

// Returns the seat a request was sent for, from its protocol's path (FakePanel's config).
std::string seat_of(const std::string& path) {
    if (path.find(":generateContent") != std::string::npos) {
        return "gemini";
    }
    if (path.starts_with("/xai/")) {
        return "grok";
    }
    return path.ends_with("/messages") ? "claude" : "gpt";
}

// What the fault injector did, per article: the seats that saw at least one fault.
struct FaultLog {
    std::mutex mutex;
    std::map<int, std::set<std::string>> seats;
    int untagged = 0;

    void add(const RecordedRequest& request) {
        const int article = article_of(request.body);
        std::lock_guard lock(mutex);
        if (article < 0) {
            ++untagged;
            return;
        }
        seats[article].insert(seat_of(request.path));
    }

    std::set<std::string> of(int article) {
        std::lock_guard lock(mutex);
        const auto it = seats.find(article);
        return it == seats.end() ? std::set<std::string>{} : it->second;
    }
};

// Returns the text's lines; CHECKs that it ends on a whole line.
std::vector<std::string> whole_lines(const std::string& text) {
    CHECK((text.empty() || text.back() == '\n'));
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        lines.push_back(line);
    }
    return lines;
}

void check_no_sanitizer_report(const std::string& err) {
    for (const char* report :
         {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:", "json.exception"}) {
        INFO(report);
        CHECK(err.find(report) == std::string::npos);
    }
}

// Counts the lines of a file that only grows, reading only what was added since the last call
// (it is polled every 20 ms while the batch runs).
class LineCounter {
public:
    explicit LineCounter(fs::path path) : m_path(std::move(path)) {}

    std::size_t operator()() {
        std::ifstream in(m_path, std::ios::binary);
        if (!in || !in.seekg(m_offset)) {
            return m_lines;
        }
        char buffer[65536];
        while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
            const auto n = static_cast<std::size_t>(in.gcount());
            m_lines += static_cast<std::size_t>(std::count(buffer, buffer + n, '\n'));
            m_offset += static_cast<std::streamoff>(n);
        }
        return m_lines;
    }

private:
    fs::path m_path;
    std::streamoff m_offset = 0;
    std::size_t m_lines = 0;
};

} // namespace

TEST_CASE("soak::each fault kind reaches the wire as it is named", "[soak]") {
    FakePanel fake;
    std::mutex mutex;
    std::map<std::string, FaultKind> kind_of; // request body -> the fault drawn for it
    FaultInjector faults(k_seed, 1.0, [&](const RecordedRequest& request, FaultKind kind) {
        std::lock_guard lock(mutex);
        kind_of[request.body] = kind;
    });
    faults.install(fake.server);
    std::map<FaultKind, int> checked;
    for (int i = 0; i < 400 && checked.size() < k_fault_kinds.size(); ++i) {
        const std::string body = json{{"model", "gpt-5"}, {"n", i}}.dump();
        httplib::Client client("127.0.0.1", fake.server.port());
        client.set_read_timeout(10, 0);
        const auto started = std::chrono::steady_clock::now();
        const auto result = client.Post("/v1/chat/completions", body, "application/json");
        const auto elapsed = std::chrono::steady_clock::now() - started;
        FaultKind kind{};
        {
            std::lock_guard lock(mutex);
            REQUIRE(kind_of.count(body) == 1); // rate 1: every reply is faulted
            kind = kind_of.at(body);
        }
        INFO(fault_name(kind));
        ++checked[kind];
        if (kind == FaultKind::dropped) {
            CHECK(!result); // the connection closed before the announced length
            continue;
        }
        REQUIRE(result);
        const std::string& wire = result->body;
        switch (kind) {
        case FaultKind::rate_limited:
            CHECK(result->status == 429);
            CHECK((result->get_header_value("retry-after") == "0" ||
                   result->get_header_value("retry-after") == "1"));
            break;
        case FaultKind::server_error:
            CHECK(result->status == 500);
            break;
        case FaultKind::unavailable:
            CHECK(result->status == 503);
            break;
        case FaultKind::truncated:
            CHECK(result->status == 200);
            CHECK_FALSE(json::accept(wire));
            break;
        case FaultKind::invalid_json:
        case FaultKind::oversized:
        case FaultKind::slow_drip: {
            CHECK(result->status == 200);
            REQUIRE(json::accept(wire));
            const std::string text =
                json::parse(wire).at("choices").at(0).at("message").at("content");
            if (kind == FaultKind::slow_drip) { // the good reply, 8 pieces 30 ms apart
                CHECK(json::accept(text));
                CHECK(elapsed >= std::chrono::milliseconds(8 * 30));
            } else if (kind == FaultKind::oversized) {
                CHECK(text.size() > roundtable::guard::k_max_reply_bytes);
            } else {
                CHECK_FALSE(json::accept(text));
            }
            break;
        }
        case FaultKind::dropped:
            break;
        }
    }
    CHECK(checked.size() == k_fault_kinds.size());
    CHECK(faults.considered() == static_cast<int>(kind_of.size()));
}

TEST_CASE("soak::batch under faults, interrupted and resumed, gives every article once", "[soak]") {
    TempDir dir;
    const std::string base = slurp(source_path("examples/bearish-truck-recall.txt"));
    REQUIRE(!base.empty());
    for (int i = 0; i < k_articles; ++i) {
        dir.write("corpus/" + article_id(i),
                  base + fmt::format("\n{}{:04} closes the file.\n", k_tag, i));
    }
    const fs::path corpus = dir.path() / "corpus";
    const fs::path out = dir.path() / "cards.jsonl";

    FakePanel fake;
    FaultLog log;
    FaultInjector faults(k_seed, k_fault_rate,
                         [&log](const RecordedRequest& request, FaultKind) { log.add(request); });
    faults.install(fake.server);

    // Every seat with the default two retries, and a deadline no slow drip comes near.
    std::string config = fake.config();
    for (std::size_t at = config.find("retries = 1"); at != std::string::npos;
         at = config.find("retries = 1", at)) {
        config.replace(at, 11, "retries = 2\ntimeout_s = 30");
    }
    REQUIRE(config.find("retries = 1") == std::string::npos);
    REQUIRE(config.find("timeout_s = 30") != std::string::npos);
    const fs::path config_path = dir.write("config.toml", config);

    const auto spec = [&](std::vector<std::string> extra) {
        RunSpec s;
        s.args = {"batch", corpus.string(), "--jsonl",           out.string(), "--jobs",
                  "8",     "--config",      config_path.string()};
        s.args.insert(s.args.end(), extra.begin(), extra.end());
        s.env = k_keys;
        s.env["XDG_CACHE_HOME"] = (dir.path() / "cache").string();
        s.timeout = std::chrono::seconds(400);
        return s;
    };

    const auto started = std::chrono::steady_clock::now();
    RunSpec first_spec = spec({});
    first_spec.interrupt_when = [count = LineCounter(out)]() mutable {
        return count() >= k_interrupt_at_lines;
    };
    const RunResult first = run_binary(first_spec);
    const auto interrupted_at = std::chrono::steady_clock::now();
    INFO("first run stderr:\n" << first.err);
    check_no_sanitizer_report(first.err);
    CHECK(!first.timed_out);
    REQUIRE(first.exit_code == 130);
    const std::string partial = slurp(out);
    const std::vector<std::string> partial_lines = whole_lines(partial);
    CHECK(partial_lines.size() >= k_interrupt_at_lines);
    CHECK(partial_lines.size() < static_cast<std::size_t>(k_articles));
    std::size_t partial_cards = 0;
    std::string kept; // the first run's card lines: --resume keeps them, in order
    for (const std::string& text : partial_lines) {
        if (text.find("\"card\":") != std::string::npos) {
            ++partial_cards;
            kept += text + "\n";
        }
    }

    const RunResult resumed = run_binary(spec({"--resume"}));
    const auto finished = std::chrono::steady_clock::now();
    INFO("resumed run stderr:\n" << resumed.err);
    check_no_sanitizer_report(resumed.err);
    CHECK(!resumed.timed_out);
    CHECK(resumed.err.find(fmt::format("{} already done (--resume)", partial_cards)) !=
          std::string::npos);

    const std::string all = slurp(out);
    CHECK(all.starts_with(kept)); // the card lines are kept; error lines go, their articles rerun
    if (const std::size_t failed = partial_lines.size() - partial_cards; failed > 0) {
        CHECK(resumed.err.find(fmt::format("took out {} error line", failed)) != std::string::npos);
    }
    const std::vector<std::string> lines = whole_lines(all);
    std::map<std::string, int> seen;
    int cards = 0;
    int quorum_lost = 0;
    for (const std::string& text : lines) {
        INFO(text.substr(0, 400));
        json line;
        REQUIRE_NOTHROW(line = json::parse(text)); // no torn or interleaved line
        REQUIRE(line.is_object());
        REQUIRE(line.contains("id"));
        const std::string id = line.at("id").get<std::string>();
        ++seen[id];
        REQUIRE(id.size() == article_id(0).size());
        const int article = std::stoi(id.substr(6, 4));
        REQUIRE(id == article_id(article));
        const std::set<std::string> faulted = log.of(article);
        if (line.contains("card")) {
            CHECK(line.size() == 2);
            const json& card = line.at("card");
            CHECK(card.at("schema") == "roundtable.card/v1");
            CHECK(card.at("takes").size() >= 3);
            for (const json& seat : card.at("seats")) {
                if (seat.at("status") != "ok") {
                    INFO("seat " << seat.dump());
                    CHECK(faulted.count(seat.at("seat").get<std::string>()) == 1);
                }
            }
            ++cards;
            continue;
        }
        // An error line: only quorum lost, where two seats or more were faulted, naming each
        // failed seat and why.
        CHECK(line.size() == 3);
        const std::string error = line.at("error").get<std::string>();
        CHECK(line.at("exit") == 3);
        CHECK((error.starts_with("round 1: only ") || error.starts_with("round 2: only ")));
        CHECK(error.find("(quorum 3); ") != std::string::npos);
        CHECK(faulted.size() >= 2);
        int named = 0;
        for (const char* seat : {"claude", "gpt", "gemini", "grok"}) {
            if (error.find(fmt::format("; {}: ", seat)) != std::string::npos) {
                ++named;
                CHECK(faulted.count(seat) == 1);
            }
        }
        CHECK(named >= 2);
        ++quorum_lost;
    }
    CHECK(lines.size() == static_cast<std::size_t>(k_articles));
    CHECK(seen.size() == static_cast<std::size_t>(k_articles));
    for (int i = 0; i < k_articles; ++i) {
        INFO(article_id(i));
        CHECK(seen[article_id(i)] == 1);
    }
    CHECK(resumed.exit_code == (quorum_lost > 0 ? 3 : 0));

    // The faults really happened: every kind, at about the rate asked for, on known articles.
    const auto counts = faults.counts();
    int total = 0;
    std::string mix;
    for (const auto& [kind, n] : counts) {
        INFO(fault_name(kind));
        CHECK(n > 0);
        total += n;
        mix += fmt::format(" {} {}", fault_name(kind), n);
    }
    const double rate = static_cast<double>(total) / std::max(faults.considered(), 1);
    CHECK(rate > 0.10);
    CHECK(rate < 0.20);
    CHECK(log.untagged == 0);
    const auto seconds = [](auto from, auto to) {
        return std::chrono::duration<double>(to - from).count();
    };
    fmt::print(stderr,
               "soak: {} calls, {} faults ({:.1f}%):{}; {} cards, {} lost quorum; "
               "interrupted at {} lines after {:.1f} s, resumed run {:.1f} s\n",
               faults.considered(), total, rate * 100.0, mix, cards, quorum_lost,
               partial_lines.size(), seconds(started, interrupted_at),
               seconds(interrupted_at, finished));
}
