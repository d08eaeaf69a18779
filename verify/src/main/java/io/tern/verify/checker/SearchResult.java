package io.tern.verify.checker;

/**
 * What one search found.
 *
 * @param result the verdict; UNKNOWN when the budget ran out first
 * @param statesExplored distinct (linearized set, model state) pairs the search remembered
 * @param furthestBlockedId the history id of the latest-completing operation at which the search
 *     had to turn back: no order of the operations invoked before its completion could include it;
 *     -1 when the search never had to turn back
 * @param boundHit which bound stopped an UNKNOWN search, or null
 */
record SearchResult(Linearizability result, long statesExplored, int furthestBlockedId, Bound boundHit) {

    /** The bounds that can stop a search. */
    enum Bound { DEADLINE, STATES, MEMORY }
}
