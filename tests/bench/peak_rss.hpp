// Peak resident memory of a child process, for the benchmarks.
//
// wait4()'s ru_maxrss cannot be used for this: Linux carries a process's
// high-water mark across fork()/posix_spawn() and execve(), so a child started
// by a benchmark that holds tens of megabytes (a generated corpus, the fake
// server's recorded requests) reports the benchmark's size, not its own. The
// kernel's per-image figure, VmHWM in /proc/PID/status, starts from zero at
// execve(); PeakRss samples it every few milliseconds until the child exits and
// keeps the last value read (it only grows). A child that lives only a few
// milliseconds may grow after the last sample: sample such runs densely.
//
// Not thread-safe: one PeakRss per child, used by the thread that started it.
#pragma once

#include <atomic>
#include <chrono>
#include <fstream>
#include <string>
#include <sys/types.h>
#include <thread>

namespace roundtable::bench {

class PeakRss {
public:
    // Starts sampling process `pid` every `interval`; never fails (a vanished process reads as 0).
    explicit PeakRss(pid_t pid, std::chrono::microseconds interval = std::chrono::milliseconds(2))
        : m_thread([this, pid, interval] {
              while (!m_stop.load()) {
                  const long kib = read_hwm_kib(pid);
                  if (kib > m_kib.load()) {
                      m_kib.store(kib);
                  }
                  std::this_thread::sleep_for(interval);
              }
          }) {}

    PeakRss(const PeakRss&) = delete;
    PeakRss& operator=(const PeakRss&) = delete;
    ~PeakRss() { stop(); }

    // Stops sampling (call it once the child has exited) and returns the peak in KiB.
    long stop() {
        m_stop.store(true);
        if (m_thread.joinable()) {
            m_thread.join();
        }
        return m_kib.load();
    }

private:
    static long read_hwm_kib(pid_t pid) {
        std::ifstream status("/proc/" + std::to_string(pid) + "/status");
        std::string key;
        long value = 0;
        while (status >> key) {
            if (key == "VmHWM:") {
                status >> value;
                return value;
            }
            status.ignore(4096, '\n');
        }
        return 0;
    }

    std::atomic<bool> m_stop{false};
    std::atomic<long> m_kib{0};
    std::thread m_thread;
};

} // namespace roundtable::bench
