#include <catch2/catch.hpp>
#include <roundtable/batch/throttle.hpp>
#include <roundtable/http/abort.hpp>
#include <roundtable/http/clock.hpp>
#include <support/scripted_provider.hpp>
#include <vector>

using namespace roundtable;
using batch::Throttle;
using batch::ThrottleLimits;
using roundtable::testing::ScriptedProvider;
using std::chrono::milliseconds;
using Sleeps = std::vector<milliseconds>;

namespace {

// A clock whose first sleep is cut short by Ctrl-C: it records the sleep, moves
// the time 10 ms on and requests an abort.
class AbortingClock final : public http::Clock {
public:
    std::chrono::steady_clock::time_point now() const override { return m_now; }
    void sleep_for(milliseconds duration) override {
        m_sleeps.push_back(duration);
        m_now += milliseconds(10);
        http::request_abort();
    }
    void advance(milliseconds duration) { m_now += duration; }
    Sleeps sleeps() const { return m_sleeps; }

private:
    std::chrono::steady_clock::time_point m_now{};
    Sleeps m_sleeps;
};

// Clears the process-wide abort flag when a test ends, whatever happened.
struct AbortGuard {
    AbortGuard() { http::clear_abort(); }
    ~AbortGuard() { http::clear_abort(); }
    AbortGuard(const AbortGuard&) = delete;
    AbortGuard& operator=(const AbortGuard&) = delete;
};

providers::RateLimits remaining_requests(std::int64_t n, std::optional<milliseconds> reset) {
    providers::RateLimits limits;
    limits.remaining_requests = n;
    limits.reset_requests = reset;
    return limits;
}

} // namespace

TEST_CASE("throttle::tighter") {
    SECTION("the smaller nonzero value of each field wins; 0 means no limit") {
        CHECK(batch::tighter({60, 0}, {120, 5000}) == ThrottleLimits{60, 5000});
        CHECK(batch::tighter({0, 9000}, {50, 4000}) == ThrottleLimits{50, 4000});
        CHECK(batch::tighter({0, 0}, {0, 0}) == ThrottleLimits{0, 0});
    }
}

TEST_CASE("throttle::estimate_tokens") {
    SECTION("text bytes / 4 plus max_tokens") {
        providers::Request request;
        request.system = std::string(100, 's');
        request.user = std::string(300, 'u');
        request.json_schema = std::string(3, 'j');
        request.max_tokens = 500;
        CHECK(batch::estimate_tokens(request) == 100 + 500); // 403 / 4 = 100
    }
    SECTION("an empty request costs its max_tokens") {
        providers::Request request;
        request.max_tokens = 7;
        CHECK(batch::estimate_tokens(request) == 7);
    }
}

TEST_CASE("throttle::TokenBucket") {
    const std::chrono::steady_clock::time_point t0{};
    SECTION("starts full with one second's worth, at least one unit") {
        batch::TokenBucket per_second(60, std::chrono::seconds(1), t0);
        CHECK(per_second.level(t0) == 1);
        batch::TokenBucket slow(6, std::chrono::seconds(1), t0); // 0.1 a second: still 1
        CHECK(slow.level(t0) == 1);
        batch::TokenBucket tokens(600'000, std::chrono::seconds(1), t0);
        CHECK(tokens.level(t0) == 10'000);
        batch::TokenBucket unlimited(0, std::chrono::seconds(1), t0);
        CHECK_FALSE(unlimited.limited());
        CHECK(unlimited.reserve(1'000'000, t0) == milliseconds(0));
    }
    SECTION("refills at the limit, never beyond the capacity") {
        batch::TokenBucket bucket(60'000, std::chrono::seconds(1), t0); // 1 a ms, holds 1000
        CHECK(bucket.reserve(1000, t0) == milliseconds(0));
        CHECK(bucket.level(t0) == 0);
        CHECK(bucket.level(t0 + milliseconds(250)) == 250);
        CHECK(bucket.level(t0 + std::chrono::hours(5)) == 1000);
    }
    SECTION("debt makes later reservations wait, in order") {
        batch::TokenBucket bucket(60'000, std::chrono::seconds(1), t0);
        CHECK(bucket.reserve(600, t0) == milliseconds(0));
        CHECK(bucket.reserve(600, t0) == milliseconds(200)); // 400 held, 600 needed
        CHECK(bucket.reserve(600, t0) == milliseconds(800)); // -200 held
        CHECK(bucket.level(t0) == -800);
    }
}

TEST_CASE("throttle::Throttle::acquire") {
    AbortGuard guard;
    http::ManualClock clock;

    SECTION("requests per minute: a burst of one second's worth, then exact spacing") {
        Throttle throttle({120, 0}, clock); // 2 a second, holds 2
        for (int i = 0; i < 5; ++i) {
            REQUIRE(throttle.acquire(100));
        }
        CHECK(clock.sleeps() == Sleeps{milliseconds(500), milliseconds(500), milliseconds(500)});
    }
    SECTION("waits are measured from the time already passed") {
        Throttle throttle({60, 0}, clock);
        REQUIRE(throttle.acquire(1));
        clock.advance(milliseconds(300));
        REQUIRE(throttle.acquire(1));
        CHECK(clock.sleeps() == Sleeps{milliseconds(700)});
    }
    SECTION("the bucket refills while idle, up to its capacity") {
        Throttle throttle({120, 0}, clock);
        REQUIRE(throttle.acquire(1));
        REQUIRE(throttle.acquire(1));
        clock.advance(std::chrono::minutes(10));
        REQUIRE(throttle.acquire(1));
        REQUIRE(throttle.acquire(1));
        CHECK(clock.sleeps().empty());
        REQUIRE(throttle.acquire(1));
        CHECK(clock.sleeps() == Sleeps{milliseconds(500)});
    }
    SECTION("tokens per minute: a call waits until its estimate is in the bucket") {
        Throttle throttle({0, 60'000}, clock); // 1000 a second, holds 1000
        REQUIRE(throttle.acquire(400));
        REQUIRE(throttle.acquire(400));
        REQUIRE(throttle.acquire(400)); // 200 held, 400 needed
        CHECK(clock.sleeps() == Sleeps{milliseconds(200)});
    }
    SECTION("both buckets: the longer wait counts") {
        Throttle throttle({60, 60'000}, clock);
        REQUIRE(throttle.acquire(100));
        REQUIRE(throttle.acquire(900));  // requests: 1000 ms; tokens: none
        REQUIRE(throttle.acquire(3000)); // requests: 1000 ms; tokens: full again after 1000 ms
        CHECK(clock.sleeps() == Sleeps{milliseconds(1000), milliseconds(1000)});
    }
    SECTION("a request larger than the whole token bucket goes when it is full, not never") {
        Throttle throttle({0, 60'000}, clock);
        REQUIRE(throttle.acquire(500));
        REQUIRE(throttle.acquire(5000)); // waits until full: 500 ms
        REQUIRE(throttle.acquire(100));  // then pays the debt: 4000 + 100 ms
        CHECK(clock.sleeps() == Sleeps{milliseconds(500), milliseconds(4100)});
    }
    SECTION("no limits: never waits") {
        Throttle throttle({0, 0}, clock);
        for (int i = 0; i < 100; ++i) {
            REQUIRE(throttle.acquire(1'000'000));
        }
        CHECK(clock.sleeps().empty());
        CHECK(throttle.limits() == ThrottleLimits{0, 0});
    }
    SECTION("an abort wakes the wait: nothing is taken") {
        AbortingClock aborting;
        Throttle throttle({60, 0}, aborting);
        REQUIRE(throttle.acquire(1));
        CHECK_FALSE(throttle.acquire(1)); // its 1000 ms sleep was cut short
        CHECK(aborting.sleeps() == Sleeps{milliseconds(1000)});
        CHECK_FALSE(throttle.acquire(1)); // still aborted: returns at once
        CHECK(aborting.sleeps().size() == 1);
        http::clear_abort();
        // The aborted reservations were given back: 990 ms left, not 2990.
        CHECK_FALSE(throttle.acquire(1));
        CHECK(aborting.sleeps() == Sleeps{milliseconds(1000), milliseconds(990)});
    }
}

TEST_CASE("throttle::Throttle::settle") {
    http::ManualClock clock;
    Throttle throttle({0, 60'000}, clock);

    SECTION("a reply that used less than its estimate gives the rest back") {
        REQUIRE(throttle.acquire(1000));
        throttle.settle(1000, 400);
        REQUIRE(throttle.acquire(600));
        CHECK(clock.sleeps().empty());
        REQUIRE(throttle.acquire(100));
        CHECK(clock.sleeps() == Sleeps{milliseconds(100)});
    }
    SECTION("a reply that used more than its estimate takes the difference") {
        REQUIRE(throttle.acquire(1000));
        throttle.settle(1000, 1500);
        REQUIRE(throttle.acquire(100)); // -500 held
        CHECK(clock.sleeps() == Sleeps{milliseconds(600)});
    }
    SECTION("a reply without usage keeps the estimate") {
        REQUIRE(throttle.acquire(1000));
        throttle.settle(1000, 0);
        REQUIRE(throttle.acquire(100));
        CHECK(clock.sleeps() == Sleeps{milliseconds(100)});
    }
}

TEST_CASE("throttle::Throttle::observe") {
    AbortGuard guard;
    http::ManualClock clock;

    SECTION("fewer remaining requests than the bucket holds lower it") {
        Throttle throttle({120, 0}, clock); // holds 2
        throttle.observe(remaining_requests(1, milliseconds(30'000)));
        REQUIRE(throttle.acquire(1));
        REQUIRE(throttle.acquire(1));
        CHECK(clock.sleeps() == Sleeps{milliseconds(500)});
    }
    SECTION("more remaining than the bucket holds changes nothing") {
        Throttle throttle({120, 0}, clock);
        throttle.observe(remaining_requests(4000, milliseconds(10)));
        REQUIRE(throttle.acquire(1));
        REQUIRE(throttle.acquire(1));
        REQUIRE(throttle.acquire(1));
        CHECK(clock.sleeps() == Sleeps{milliseconds(500)});
    }
    SECTION("remaining tokens lower the token bucket") {
        Throttle throttle({0, 60'000}, clock);
        providers::RateLimits limits;
        limits.remaining_tokens = 300;
        throttle.observe(limits);
        REQUIRE(throttle.acquire(500));
        CHECK(clock.sleeps() == Sleeps{milliseconds(200)});
    }
    SECTION("remaining 0: nothing more until the reset time, even without a limit of our own") {
        Throttle throttle({0, 0}, clock);
        throttle.observe(remaining_requests(0, milliseconds(1500)));
        clock.advance(milliseconds(400));
        REQUIRE(throttle.acquire(1));
        REQUIRE(throttle.acquire(1)); // the reset has passed
        CHECK(clock.sleeps() == Sleeps{milliseconds(1100)});
    }
    SECTION("a later, stale reply with requests left does not lift the stop") {
        Throttle throttle({0, 0}, clock);
        throttle.observe(remaining_requests(0, milliseconds(2000)));
        throttle.observe(remaining_requests(50, milliseconds(10)));
        REQUIRE(throttle.acquire(1));
        CHECK(clock.sleeps() == Sleeps{milliseconds(2000)});
    }
    SECTION("remaining tokens 0 stops until the token reset; no reset time stops for 1 s") {
        Throttle throttle({0, 0}, clock);
        providers::RateLimits limits;
        limits.remaining_tokens = 0;
        limits.reset_tokens = milliseconds(2500);
        throttle.observe(limits);
        REQUIRE(throttle.acquire(1));
        throttle.observe(remaining_requests(0, std::nullopt));
        REQUIRE(throttle.acquire(1));
        CHECK(clock.sleeps() == Sleeps{milliseconds(2500), milliseconds(1000)});
    }
    SECTION("a stop longer than the bucket's wait decides it") {
        Throttle throttle({60, 0}, clock);
        REQUIRE(throttle.acquire(1));
        throttle.observe(remaining_requests(0, milliseconds(2500)));
        REQUIRE(throttle.acquire(1)); // the stop outlasts the bucket's 1000 ms
        CHECK(clock.sleeps() == Sleeps{milliseconds(2500)});
    }
    SECTION("a lower per-minute limit from the headers is adopted") {
        Throttle throttle({0, 0}, clock);
        providers::RateLimits limits;
        limits.limit_requests = 60;
        limits.limit_tokens = 600'000;
        throttle.observe(limits);
        CHECK(throttle.limits() == ThrottleLimits{60, 600'000});
        REQUIRE(throttle.acquire(1));
        REQUIRE(throttle.acquire(1));
        CHECK(clock.sleeps() == Sleeps{milliseconds(1000)});
    }
    SECTION("the headers never speed the throttle up beyond its limits") {
        Throttle throttle({60, 6000}, clock);
        providers::RateLimits limits;
        limits.limit_requests = 10'000;
        limits.limit_tokens = 2'000'000;
        throttle.observe(limits);
        CHECK(throttle.limits() == ThrottleLimits{60, 6000});
        limits.limit_requests = 30;
        throttle.observe(limits);
        limits.limit_requests = 50; // another model of the kind: the smallest stays
        throttle.observe(limits);
        CHECK(throttle.limits() == ThrottleLimits{30, 6000});
    }
}

TEST_CASE("throttle::ThrottledProvider") {
    AbortGuard guard;
    http::ManualClock clock;
    providers::RateLimits next_limits;
    bool fail = false;
    auto inner = std::make_shared<ScriptedProvider>("m", [&](const providers::Request&) {
        if (fail) {
            providers::Failure failure;
            failure.provider = "scripted";
            failure.http_status = 429;
            failure.rate_limits = next_limits;
            return std::expected<providers::Reply, providers::Failure>(std::unexpect,
                                                                       std::move(failure));
        }
        auto reply = ScriptedProvider::text_reply("{}"); // 100 in, 20 out
        reply.rate_limits = next_limits;
        return std::expected<providers::Reply, providers::Failure>(std::move(reply));
    });
    providers::Request request;
    request.user = std::string(400, 'u');
    request.max_tokens = 900; // estimate 1000

    SECTION("settles the estimate with the reply's usage") {
        auto throttle = std::make_shared<Throttle>(ThrottleLimits{0, 60'000}, clock);
        batch::ThrottledProvider provider(inner, throttle);
        REQUIRE(provider.complete(request)); // 0 held, then 880 given back
        REQUIRE(provider.complete(request)); // 120 short: 120 ms, not the 1000 of no settling
        REQUIRE(provider.complete(request)); // the same again
        CHECK(clock.sleeps() == Sleeps{milliseconds(120), milliseconds(120)});
        CHECK(inner->requests().size() == 3);
        CHECK(provider.kind() == "scripted");
        CHECK(provider.model() == "m");
    }
    SECTION("observes the rate-limit headers of replies and of failures") {
        auto throttle = std::make_shared<Throttle>(ThrottleLimits{}, clock);
        batch::ThrottledProvider provider(inner, throttle);
        next_limits = remaining_requests(0, milliseconds(3000));
        REQUIRE(provider.complete(request));
        next_limits = {};
        REQUIRE(provider.complete(request));
        CHECK(clock.sleeps() == Sleeps{milliseconds(3000)});
        fail = true;
        next_limits = remaining_requests(0, milliseconds(700));
        CHECK_FALSE(provider.complete(request));
        fail = false;
        REQUIRE(provider.complete(request));
        CHECK(clock.sleeps() == Sleeps{milliseconds(3000), milliseconds(700)});
    }
    SECTION("Ctrl-C while waiting: an aborted failure, the inner provider is not called") {
        AbortingClock aborting;
        auto throttle = std::make_shared<Throttle>(ThrottleLimits{60, 0}, aborting);
        batch::ThrottledProvider provider(inner, throttle);
        REQUIRE(provider.complete(request));
        auto result = provider.complete(request);
        REQUIRE_FALSE(result);
        CHECK(result.error().describe() ==
              "scripted: aborted: interrupted while waiting for the rate limit");
        CHECK(inner->requests().size() == 1);
    }
}
