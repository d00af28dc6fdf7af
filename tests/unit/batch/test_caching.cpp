// Tests of providers/caching.hpp (kept with the batch suite, which owns corpus mode).
#include <catch2/catch.hpp>
#include <roundtable/providers/caching.hpp>
#include <roundtable/store/store.hpp>
#include <support/scripted_provider.hpp>
#include <support/temp_dir.hpp>

using namespace roundtable;
using roundtable::testing::ScriptedProvider;
using roundtable::testing::TempDir;

namespace {

providers::Request request(std::string user) {
    providers::Request r;
    r.system = "sys";
    r.user = std::move(user);
    r.schema_name = "take";
    r.json_schema = "{}";
    return r;
}

} // namespace

TEST_CASE("caching::canonical_request") {
    SECTION("every field of the request body counts") {
        auto base = request("u");
        auto key = providers::canonical_request(base);
        auto changed = [&](auto mutate) {
            auto r = base;
            mutate(r);
            return providers::canonical_request(r) != key;
        };
        CHECK(changed([](providers::Request& r) { r.system = "sys2"; }));
        CHECK(changed([](providers::Request& r) { r.user = "u2"; }));
        CHECK(changed([](providers::Request& r) { r.schema_name = "rebuttal"; }));
        CHECK(changed([](providers::Request& r) { r.json_schema = "{ }"; }));
        CHECK(changed([](providers::Request& r) { r.max_tokens = 100; }));
        CHECK(changed([](providers::Request& r) { r.temperature = 0.0; }));
        CHECK_FALSE(changed([](providers::Request& r) { r.cacheable_prefix = 7; }));
        // Length prefixes: moving text between fields changes the key.
        auto a = request("ab");
        a.system = "s";
        auto b = request("b");
        b.system = "sa";
        CHECK(providers::canonical_request(a) != providers::canonical_request(b));
    }
}

TEST_CASE("caching::CachingProvider") {
    TempDir dir;
    auto opened = store::Store::open((dir.path() / "cache.db").string());
    REQUIRE(opened);
    auto db = std::make_shared<store::Store>(std::move(*opened));
    bool fail = false;
    auto inner = std::make_shared<ScriptedProvider>(
        "model-x",
        [&](const providers::Request& r) -> std::expected<providers::Reply, providers::Failure> {
            if (fail) {
                providers::Failure f;
                f.provider = "scripted";
                f.message = "boom";
                return std::unexpected(f);
            }
            auto reply = ScriptedProvider::text_reply("reply to " + r.user);
            reply.latency = std::chrono::milliseconds(40);
            return reply;
        });
    std::vector<std::string> warnings;
    auto warning = std::make_shared<providers::CacheWarning>(
        [&](const std::string& m) { warnings.push_back(m); });
    auto make = [&](providers::CacheMode mode, std::string base = "http://x") {
        return providers::CachingProvider(inner, db, std::move(base), mode, warning);
    };

    SECTION("a miss calls and stores; a hit answers without a call") {
        auto p = make(providers::CacheMode::read_write);
        auto first = p.complete(request("u1"));
        REQUIRE(first);
        CHECK_FALSE(first->cached);
        CHECK(inner->requests().size() == 1);
        auto second = p.complete(request("u1"));
        REQUIRE(second);
        CHECK(second->cached);
        CHECK(second->latency.count() == 0);
        CHECK(second->text == "reply to u1");
        CHECK(second->usage.input_tokens == 100);
        CHECK(second->usage.output_tokens == 20);
        CHECK(inner->requests().size() == 1);
        CHECK(db->reply_count() == 1);
        CHECK(warnings.empty());
    }
    SECTION("what the provider said a reply cost comes back with it from the cache") {
        auto p = make(providers::CacheMode::read_write);
        auto reply = ScriptedProvider::text_reply("billed");
        reply.usage.billed_ticks = 12'345'678;
        p.remember(request("u9"), reply);
        const auto hit = p.complete(request("u9"));
        REQUIRE(hit);
        CHECK(hit->cached);
        CHECK(hit->usage.billed_ticks == 12'345'678);
        CHECK(inner->requests().empty());
    }
    SECTION("another base URL or model is another key") {
        auto p = make(providers::CacheMode::read_write);
        REQUIRE(p.complete(request("u1")));
        auto q = make(providers::CacheMode::read_write, "http://y");
        REQUIRE(q.complete(request("u1")));
        CHECK(inner->requests().size() == 2);
        CHECK(p.key_for(request("u1")) != q.key_for(request("u1")));
    }
    SECTION("failures are not stored") {
        fail = true;
        auto p = make(providers::CacheMode::read_write);
        CHECK_FALSE(p.complete(request("u1")));
        CHECK(db->reply_count() == 0);
        fail = false;
        auto r = p.complete(request("u1"));
        REQUIRE(r);
        CHECK_FALSE(r->cached);
        CHECK(inner->requests().size() == 2);
    }
    SECTION("refresh skips reads but writes") {
        auto p = make(providers::CacheMode::read_write);
        REQUIRE(p.complete(request("u1")));
        auto refresh = make(providers::CacheMode::refresh);
        auto r = refresh.complete(request("u1"));
        REQUIRE(r);
        CHECK_FALSE(r->cached);
        CHECK(inner->requests().size() == 2);
        CHECK(db->reply_count() == 1);
    }
    SECTION("stats count lookups: hits and misses; refresh makes none") {
        auto stats = std::make_shared<providers::CacheStats>();
        providers::CachingProvider p(inner, db, "http://x", providers::CacheMode::read_write,
                                     warning, stats);
        REQUIRE(p.complete(request("u1")));
        REQUIRE(p.complete(request("u1")));
        REQUIRE(p.complete(request("u2")));
        CHECK(stats->hits == 1);
        CHECK(stats->misses == 2);
        providers::CachingProvider refresh(inner, db, "http://x", providers::CacheMode::refresh,
                                           warning, stats);
        REQUIRE(refresh.complete(request("u1")));
        CHECK(stats->hits == 1);
        CHECK(stats->misses == 2);
    }
    SECTION("a stored reply is stamped with the store's clock") {
        TempDir clocked_dir;
        store::OpenOptions options;
        options.clock = [] { return std::int64_t{1'234'567}; };
        auto clocked = store::Store::open((clocked_dir.path() / "c.db").string(), options);
        REQUIRE(clocked);
        auto shared = std::make_shared<store::Store>(std::move(*clocked));
        providers::CachingProvider p(inner, shared, "http://x", providers::CacheMode::read_write,
                                     warning);
        REQUIRE(p.complete(request("u1")));
        const auto stored = shared->get_reply(p.key_for(request("u1")));
        REQUIRE(stored);
        CHECK(stored->created_at == 1'234'567);
    }
    SECTION("off neither reads nor writes") {
        auto p = make(providers::CacheMode::off);
        REQUIRE(p.complete(request("u1")));
        REQUIRE(p.complete(request("u1")));
        CHECK(inner->requests().size() == 2);
        CHECK(db->reply_count() == 0);
    }
}

TEST_CASE("caching::CacheWarning") {
    SECTION("only the first problem is reported") {
        std::vector<std::string> seen;
        providers::CacheWarning w([&](const std::string& m) { seen.push_back(m); });
        CHECK_FALSE(w.warned());
        w.warn("disk full");
        w.warn("again");
        REQUIRE(seen.size() == 1);
        CHECK(seen[0] == "reply cache: disk full (continuing without it)");
        CHECK(w.warned());
    }
}
