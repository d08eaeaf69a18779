package io.tern.raft.types;

/** One member's durable storage as the Raft driver sees it: its log, term and vote, and state machine. */
public interface MemberStorage extends StateMachine {

    LogStorage log();

    TermStorage terms();

    /** Where the storage lives, for messages (a data directory). */
    String location();
}
