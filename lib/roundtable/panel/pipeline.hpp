// The panel pipeline of DESIGN §2: round 1 (every seat, in parallel) -> guards
// -> round 2 rebuttals (in parallel) -> guards -> vote -> chair synthesis ->
// guards -> Card.
//
// PanelRun holds the logic as a state machine that asks for calls and takes
// their outcomes, so the same rounds, repairs, budget retries, grounding, vote
// and chair drive both modes: run_panel() answers each call synchronously
// (seats' calls within a round run concurrently, so the wall time of a round is
// that of its slowest call), and corpus mode on the providers' batch APIs
// (jobs/) answers them from batch results, replaying a panel from its stored
// replies. A seat's failure is a value on the card; the panel fails (Error,
// Exit::quorum) only when fewer than `quorum` seats answered.
#pragma once

#include <expected>
#include <functional>
#include <memory>
#include <roundtable/article/article.hpp>
#include <roundtable/config/catalogue.hpp>
#include <roundtable/panel/card.hpp>
#include <roundtable/panel/observer.hpp>
#include <roundtable/panel/prompts.hpp>
#include <roundtable/providers/provider.hpp>
#include <roundtable/providers/seat_config.hpp>
#include <vector>

namespace roundtable::panel {

struct Seat {
    providers::SeatConfig config;
    std::shared_ptr<providers::Provider> provider;
};

// Returns the estimated cost in USD of one call's usage, at the batch rate when `batch` (the
// reply came from a provider's batch API); the default costs nothing.
using CostFunction =
    std::function<double(const providers::SeatConfig&, const providers::TokenUsage&, bool batch)>;

// Returns a CostFunction that prices each call's billed tokens (reasoning included, cached
// reads and writes at their rates) from `catalogue`; never fails.
CostFunction cost_function(config::Catalogue catalogue);

struct PanelOptions {
    PromptSet prompts = PromptSet::embedded();
    bool rebuttal = true;   // false: skip round 2 (--no-rebuttal)
    bool anonymize = false; // round 2 shows the others as "Panelist A-D"
    int quorum = 3;
    std::string chair;    // seat name; empty: the first seat that answered
    bool offline = false; // the seats are the offline analysts
    CostFunction cost;
    // Hears each seat's call in each round as it happens (observer.hpp); null: nobody.
    std::shared_ptr<PanelObserver> observer;
};

// Returns the round-1 request every seat receives for `article` (identical
// text for all seats; max_tokens/temperature are set per seat by the caller).
providers::Request take_request(const PromptSet& prompts, const article::Article& article);

// One panel as a state machine. Each stage (take, rebuttal, consensus) gives
// every seat with something to ask a chain of calls: next_call(seat) returns the
// request to send, answer(seat, outcome) records what came back (a cut reply is
// asked once more with a larger budget, an invalid one once more with the
// validation error); when stage_settled(), advance() assembles the stage and
// moves on. The requests depend only on the article, the options and earlier
// outcomes, so replaying the same outcomes rebuilds the same panel.
//
// Thread-safety: next_call() and answer() for different seats may run on
// different threads at once; advance() and the rest need the caller alone.
class PanelRun {
public:
    enum class Stage { take, rebuttal, consensus, done };

    // Starts the panel over `article` at the take stage; `seats` and `options` must outlive
    // it. Never fails.
    PanelRun(const article::Article& article, const std::vector<Seat>& seats,
             const PanelOptions& options);
    PanelRun(const PanelRun&) = delete;
    PanelRun& operator=(const PanelRun&) = delete;
    ~PanelRun();

    // Returns the current stage; never fails.
    Stage stage() const;

    // Returns the seats that have a call to make in this stage, in seat order; never fails.
    std::vector<std::size_t> active_seats() const;

    // Returns the request `seat` sends next in this stage, or nullopt when it has settled (or
    // has nothing to ask); never fails.
    std::optional<providers::Request> next_call(std::size_t seat) const;

    // Records the outcome of the request next_call(seat) returned; never fails.
    void answer(std::size_t seat, std::expected<providers::Reply, providers::Failure> outcome);

    // Returns whether `seat` settled in this stage with a valid reply; never fails.
    bool answered_valid(std::size_t seat) const;

    // Returns whether every seat of this stage has settled; never fails.
    bool stage_settled() const;

    // Assembles the settled stage and moves to the next one; throws Error(Exit::quorum) when
    // fewer than options.quorum seats answered round 1 or 2.
    void advance();

    // Returns the card once stage() is done (wall_ms counts from construction); throws
    // std::logic_error before.
    Card take_card();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// Runs the whole panel over `article`; throws Error(Exit::quorum) when fewer
// than options.quorum seats answered a round, Error(Exit::interrupted) when
// an abort was requested.
Card run_panel(const article::Article& article, const std::vector<Seat>& seats,
               const PanelOptions& options);

} // namespace roundtable::panel
