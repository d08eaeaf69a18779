package io.tern.cli;

import io.tern.client.KvResult;
import io.tern.client.TernClient;
import io.tern.kv.TxnRequest;
import io.tern.kv.TxnResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;

/** {@code tern txn}: a transaction read from standard input in etcdctl's syntax. */
@Command(name = "txn", showDefaultValues = true,
        description = {"Run a transaction read from standard input, as 'etcdctl txn' does.",
                "Input: compares, one per line (mod(\"k\") > \"5\", value(\"k\") = \"v\", version(...), "
                        + "create(...), lease(...)); a blank line; the operations to run when they all hold "
                        + "(put KEY VALUE, get KEY [RANGE_END], del KEY [RANGE_END], with their options such "
                        + "as --prefix); a blank line; the operations to run otherwise.",
                "Prints SUCCESS or FAILURE, then for each operation of the branch that ran a blank line and "
                        + "its answer: OK for a put, the keys and values for a get, the deleted count for a del."})
final class TxnCommand extends ClientCommand {

    /** Where the transaction is read from; tests replace it. */
    static InputStream input = System.in;

    private TxnRequest request;

    @Override
    void validate() {
        List<String> lines;
        try {
            lines = new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8)).lines().toList();
        } catch (UncheckedIOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read standard input: " + e.getMessage());
        }
        try {
            request = TxnParser.parse(lines);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Override
    int run(TernClient tern, PrintWriter out) {
        KvResult<TxnResponse> result = tern.kv().txn(request);
        KvPrinter.txn(result.response(), out);
        return ExitCodes.OK;
    }
}
