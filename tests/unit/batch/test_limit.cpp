#include <atomic>
#include <catch2/catch.hpp>
#include <roundtable/batch/limit.hpp>
#include <support/scripted_provider.hpp>
#include <thread>
#include <vector>

using namespace roundtable;
using roundtable::testing::ScriptedProvider;

TEST_CASE("limit::LimitedProvider") {
    SECTION("never more calls in flight than slots") {
        std::atomic<int> in_flight{0};
        std::atomic<int> peak{0};
        auto inner = std::make_shared<ScriptedProvider>("m", [&](const providers::Request&) {
            int now = ++in_flight;
            int seen = peak.load();
            while (now > seen && !peak.compare_exchange_weak(seen, now)) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
            --in_flight;
            return std::expected<providers::Reply, providers::Failure>(
                ScriptedProvider::text_reply("{}"));
        });
        auto slots = std::make_shared<batch::Semaphore>(2);
        batch::LimitedProvider a(inner, slots);
        batch::LimitedProvider b(inner, slots); // a second seat of the same kind shares the slots
        std::vector<std::thread> threads;
        for (int t = 0; t < 8; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < 10; ++i) {
                    auto r = (t % 2 ? a : b).complete(providers::Request{});
                    CHECK(r.has_value());
                }
            });
        }
        for (auto& th : threads) {
            th.join();
        }
        CHECK(peak.load() <= 2);
        CHECK(peak.load() >= 1);
        CHECK(inner->requests().size() == 80);
        CHECK(a.kind() == "scripted");
        CHECK(a.model() == "m");
    }
}
