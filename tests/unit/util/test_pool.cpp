#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <roundtable/util/pool.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

using roundtable::util::ThreadPool;

TEST_CASE("pool::ThreadPool") {
    SECTION("run_all runs every index once, side by side, the first on the caller") {
        ThreadPool pool;
        std::vector<std::thread::id> ran_on(4);
        std::atomic<int> inside{0};
        std::atomic<int> most{0};
        pool.run_all(4, [&](std::size_t i) {
            ran_on[i] = std::this_thread::get_id();
            const int now = ++inside;
            int seen = most.load();
            while (now > seen && !most.compare_exchange_weak(seen, now)) {
            }
            // Every call waits until all four are inside: they cannot run one after another.
            const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (most.load() < 4 && std::chrono::steady_clock::now() < until) {
                std::this_thread::yield();
            }
            --inside;
        });
        CHECK(most.load() == 4);
        CHECK(ran_on[0] == std::this_thread::get_id());
        for (std::size_t i = 1; i < 4; ++i) {
            CHECK(ran_on[i] != std::this_thread::get_id());
        }
        CHECK(pool.threads() == 3);
    }
    SECTION("threads are kept: 50 rounds of 4 start 3 threads, not 150") {
        ThreadPool pool;
        std::atomic<int> calls{0};
        for (int round = 0; round < 50; ++round) {
            pool.run_all(4, [&](std::size_t) { ++calls; });
        }
        CHECK(calls.load() == 200);
        CHECK(pool.threads() <= 3);
    }
    SECTION("callers on several threads at once get threads of their own when none is idle") {
        ThreadPool pool;
        std::atomic<int> calls{0};
        std::vector<std::thread> callers;
        for (int c = 0; c < 4; ++c) {
            callers.emplace_back([&] {
                for (int round = 0; round < 20; ++round) {
                    pool.run_all(3, [&](std::size_t) { ++calls; });
                }
            });
        }
        for (auto& t : callers) {
            t.join();
        }
        CHECK(calls.load() == 4 * 20 * 3);
        CHECK(pool.threads() <= 8); // 4 callers x 2 at once at most
    }
    SECTION("the lowest index's exception comes back after every call has returned") {
        ThreadPool pool;
        std::atomic<int> returned{0};
        try {
            pool.run_all(4, [&](std::size_t i) {
                if (i == 3) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                    ++returned;
                    throw std::runtime_error("three");
                }
                if (i == 1) {
                    ++returned;
                    throw std::runtime_error("one");
                }
                ++returned;
            });
            FAIL("no exception");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()) == "one");
        }
        CHECK(returned.load() == 4);
    }
    SECTION("run_all of none or one starts no thread") {
        ThreadPool pool;
        int calls = 0;
        pool.run_all(0, [&](std::size_t) { ++calls; });
        pool.run_all(1, [&](std::size_t) { ++calls; });
        CHECK(calls == 1);
        CHECK(pool.threads() == 0);
    }
}
