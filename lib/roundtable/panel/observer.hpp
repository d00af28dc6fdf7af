// What a panel is doing, as it happens: the pipeline reports each seat's call in each
// round to a PanelObserver (waiting, answering, retrying after a 429 or 5xx with the
// wait, repaired, done with tokens and seconds, failed with the reason), and the
// command layer draws the events (commands/progress.hpp). The pipeline never draws.
//
// Thread-safe: on_event() is called from the seats' threads at once, so an observer
// must be thread-safe itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace roundtable::panel {

enum class SeatState { waiting, answering, retrying, repaired, done, failed };

// Returns "waiting", "answering", "retrying", "repaired", "done" or "failed"; never fails.
const char* state_name(SeatState state);

struct SeatEvent {
    std::string seat;
    std::string model;
    std::string round; // "take", "rebuttal" or "chair"; "" while waiting for round 1
    SeatState state = SeatState::waiting;
    std::chrono::milliseconds elapsed{0}; // since the seat's call in this round started
    std::chrono::milliseconds wait{0};    // retrying: the wait before the next attempt
    int status = 0;                       // retrying: the HTTP status (0: no response)
    std::int64_t input_tokens = 0;        // done: this round's tokens
    std::int64_t output_tokens = 0;
    std::string reason; // failed: why, in a few words; retrying: what happened
};

class PanelObserver {
public:
    virtual ~PanelObserver() = default;
    // Takes one event; must not throw.
    virtual void on_event(const SeatEvent& event) = 0;
};

} // namespace roundtable::panel
