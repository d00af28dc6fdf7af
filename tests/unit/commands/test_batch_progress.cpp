#include <algorithm>
#include <catch2/catch.hpp>
#include <roundtable/commands/batch_progress.hpp>
#include <sstream>

using namespace roundtable;
using commands::BatchProgress;
using commands::ProgressMode;
using panel::SeatEvent;
using panel::SeatState;
using namespace std::chrono_literals;

namespace {

SeatEvent event(std::string seat, std::string round, SeatState state) {
    SeatEvent e;
    e.seat = std::move(seat);
    e.model = "m-" + e.seat;
    e.round = std::move(round);
    e.state = state;
    return e;
}

} // namespace

TEST_CASE("batch_progress::the line counts the panels' calls by state") {
    std::ostringstream err;
    BatchProgress progress(err, ProgressMode::live, 80);
    progress.on_progress({10, 0, 0, 0.0});
    auto a = progress.observe("a#1", "story-a");
    auto b = progress.observe("b#2", "story-b");
    a->on_event(event("claude", "take", SeatState::answering));
    a->on_event(event("gpt", "take", SeatState::answering));
    auto retry = event("gemini", "take", SeatState::retrying);
    retry.status = 429;
    retry.wait = 30s;
    a->on_event(retry);
    b->on_event(event("claude", "", SeatState::waiting));
    auto failed = event("grok", "take", SeatState::failed);
    failed.reason = "timeout";
    b->on_event(failed);

    std::string line = progress.status_line();
    INFO(line);
    CHECK(line.starts_with("[0/10] 0 failed · 2 running: 2 answering, 1 retrying (HTTP 429; "
                           "next in "));
    CHECK(line.find("1 waiting · 1 call failed · $0.0000") != std::string::npos);
    CHECK(line.find("longest: story-a ") != std::string::npos);
    CHECK(line.find("ETA") == std::string::npos); // nothing done yet: no rate

    // A finished panel's calls are forgotten; the counts come from the runner.
    progress.finished("a#1");
    progress.on_progress({10, 3, 1, 0.25});
    line = progress.status_line();
    CHECK(line.starts_with("[4/10] 1 failed · 1 running: 1 waiting · 1 call failed"));
    CHECK(line.find("$0.2500 · ETA ") != std::string::npos);
    CHECK(line.find("answering") == std::string::npos);

    // The line on the terminal is redrawn in place and cut to the width.
    const std::string drawn = err.str();
    const std::size_t last = drawn.rfind("\r\x1b[2K");
    REQUIRE(last != std::string::npos);
    CHECK(drawn.substr(last + 5).size() <= 79 + 6); // 79 columns, "·" is two bytes

    // A message prints above the line, which is drawn again below it.
    progress.message("roundtable: job batch_1: in_progress");
    CHECK(err.str().find("\r\x1b[2Kroundtable: job batch_1: in_progress\n\r\x1b[2K[4/10]") !=
          std::string::npos);

    // Cleared: the line is erased and nothing more is drawn.
    progress.clear();
    CHECK(err.str().ends_with("\r\x1b[2K"));
    const std::size_t size = err.str().size();
    progress.on_progress({10, 5, 1, 0.3});
    CHECK(err.str().size() == size);
}

TEST_CASE("batch_progress::plain lines name the article; off draws nothing") {
    std::ostringstream plain_err;
    {
        BatchProgress plain(plain_err, ProgressMode::plain, 80);
        plain.on_progress({2, 0, 0, 0.0}); // the count alone prints nothing
        auto tap = plain.observe("x#1", "story-x");
        auto done = event("gpt", "take", SeatState::done);
        done.input_tokens = 100;
        done.output_tokens = 20;
        done.elapsed = 1500ms;
        tap->on_event(done);
        plain.on_progress({2, 1, 0, 0.01});
    }
    const std::string lines = plain_err.str();
    CHECK(lines.starts_with("roundtable: progress: story-x: gpt m-gpt take done, 100/20 tokens, "
                            "1.5 s\n"
                            "roundtable: progress: [1/2] 0 failed · "));
    CHECK(lines.find(" · $0.0100") != std::string::npos);
    CHECK(std::count(lines.begin(), lines.end(), '\n') == 2); // the first count printed nothing
    CHECK(plain_err.str().find("\x1b") == std::string::npos);

    std::ostringstream off_err;
    {
        BatchProgress off(off_err, ProgressMode::off, 80);
        off.on_progress({2, 1, 0, 0.0});
        off.observe("x#1", "story-x")->on_event(event("gpt", "take", SeatState::answering));
        off.message("roundtable: a message still prints");
    }
    CHECK(off_err.str() == "roundtable: a message still prints\n");
}

TEST_CASE("batch_progress::provider batch jobs, per provider") {
    std::ostringstream err;
    BatchProgress progress(err, ProgressMode::live, 120);
    progress.on_progress({6, 0, 0, 0.0});
    progress.on_job({"openai", "batch_1", "in_progress", false, 2, 6});
    progress.on_job({"openai", "batch_2", "validating", false, 0, 6});
    progress.on_job({"anthropic", "msgbatch_1", "ended", true, 6, 6});
    CHECK(progress.status_line() ==
          "[0/6] 0 failed · $0.0000 · anthropic ended · openai 2 jobs in_progress/validating 2/12");
    progress.on_job({"openai", "batch_1", "completed", true, 6, 6});
    CHECK(progress.status_line() ==
          "[0/6] 0 failed · $0.0000 · anthropic ended · openai validating 0/6");

    std::ostringstream off_err;
    BatchProgress off(off_err, ProgressMode::off, 120);
    off.on_job({"openai", "batch_1", "in_progress", false, 2, 6});
    CHECK(off.status_line().find("openai") == std::string::npos);
}
