#include <catch2/catch.hpp>
#include <roundtable/http/abort.hpp>
#include <roundtable/http/clock.hpp>

using namespace roundtable::http;
using namespace std::chrono_literals;

TEST_CASE("http::ManualClock") {
    ManualClock clock;
    const auto start = clock.now();

    SECTION("sleep_for advances time and records the sleep") {
        clock.sleep_for(2000ms);
        clock.sleep_for(150ms);
        CHECK(clock.now() - start == 2150ms);
        CHECK(clock.sleeps() == std::vector<std::chrono::milliseconds>{2000ms, 150ms});
    }
    SECTION("advance moves time without recording a sleep") {
        clock.advance(5s);
        CHECK(clock.now() - start == 5s);
        CHECK(clock.sleeps().empty());
    }
}

TEST_CASE("http::system_clock") {
    clear_abort();
    Clock& clock = system_clock();

    SECTION("is one shared instance") {
        CHECK(&clock == &system_clock());
    }
    SECTION("sleeps at least the requested time") {
        const auto before = clock.now();
        clock.sleep_for(30ms);
        CHECK(clock.now() - before >= 30ms);
    }
    SECTION("wakes early when an abort is requested") {
        request_abort();
        const auto before = std::chrono::steady_clock::now();
        clock.sleep_for(10s);
        CHECK(std::chrono::steady_clock::now() - before <
              3s); // generous bound: it must not sleep 10 s
    }
    clear_abort();
}
