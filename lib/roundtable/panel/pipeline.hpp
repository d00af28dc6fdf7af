// The panel pipeline of DESIGN §2: round 1 (every seat, in parallel) -> guards
// -> round 2 rebuttals (in parallel) -> guards -> vote -> chair synthesis ->
// guards -> Card.
//
// run_panel() blocks until the card is built. Seats' calls within a round run
// concurrently, so the wall time of a round is that of its slowest call. A
// seat's failure is a value on the card; the panel fails (Error, Exit::quorum)
// only when fewer than `quorum` seats answered.
#pragma once

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

// Returns the estimated cost in USD of one call's usage; the default costs nothing.
using CostFunction =
    std::function<double(const providers::SeatConfig&, const providers::TokenUsage&)>;

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

// Runs the whole panel over `article`; throws Error(Exit::quorum) when fewer
// than options.quorum seats answered a round, Error(Exit::interrupted) when
// an abort was requested.
Card run_panel(const article::Article& article, const std::vector<Seat>& seats,
               const PanelOptions& options);

} // namespace roundtable::panel
