// data/batch.toml as the runner reads it: the documented limits per provider.
#include <catch2/catch.hpp>
#include <roundtable/jobs/limits.hpp>

using namespace roundtable::jobs;

TEST_CASE("limits::each provider's documented job limits") {
    const Limits openai = limits_of("openai");
    CHECK(openai.max_requests == 50'000);
    CHECK(openai.max_bytes == 200'000'000);
    const Limits anthropic = limits_of("anthropic");
    CHECK(anthropic.max_requests == 100'000);
    CHECK(anthropic.max_bytes == 256'000'000);
    const Limits gemini = limits_of("gemini"); // inline requests: the create call under 20 MB
    CHECK(gemini.max_bytes == 20'000'000);
    const Limits xai = limits_of("xai");
    CHECK(xai.max_requests > 0);
    for (const char* p : {"openai", "anthropic", "gemini", "xai"}) {
        CHECK(limits_of(p).window_hours == 24);
        CHECK(limits_of(p).poll.count() > 0);
    }
}

TEST_CASE("limits::an unlisted provider gets the smallest listed limits") {
    const Limits other = limits_of("openai-compatible");
    CHECK(other.max_requests == 50'000);
    CHECK(other.max_bytes == 20'000'000);
}
