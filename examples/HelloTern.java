import io.tern.client.CasResult;
import io.tern.client.GetResult;
import io.tern.client.OutcomeUnknownException;
import io.tern.client.ReadOptions;
import io.tern.client.ScanResult;
import io.tern.client.TernClient;
import io.tern.client.protocol.BatchOp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** A tour of the Java client. Run it with `examples/run HelloTern.java [HOST:PORT,...]`. */
public class HelloTern {

    public static void main(String[] args) {
        String endpoints = args.length > 0 ? args[0] : "127.0.0.1:7379";
        try (TernClient tern = TernClient.builder().endpoints(endpoints).requestTimeout(Duration.ofSeconds(5)).build()) {
            long revision = tern.put(utf8("greeting"), utf8("hello"));
            System.out.println("put greeting at revision " + revision);

            GetResult read = tern.get(utf8("greeting")); // linearizable by default
            System.out.println("get greeting -> " + text(read.value()) + " (revision " + read.revision() + ")");

            // A LOCAL read may be served by any node; asking for read-your-writes makes it wait for our put.
            GetResult local = tern.get(utf8("greeting"), ReadOptions.localReadYourWrites());
            System.out.println("local get -> " + text(local.value()));

            CasResult swapped = tern.cas(utf8("greeting"), utf8("hello"), utf8("hello, world"));
            System.out.println("cas hello -> hello, world: " + (swapped.succeeded() ? "done" : "mismatch"));

            tern.batch(List.of(new BatchOp.Put(utf8("fruit/apple"), utf8("red")),
                    new BatchOp.Put(utf8("fruit/banana"), utf8("yellow"))));
            ScanResult fruit = tern.scan(utf8("fruit/"), utf8("fruit0"), 10);
            fruit.entries().forEach(e -> System.out.println("scan " + text(e.key()) + " = " + text(e.value())));

            tern.putAsync(utf8("async"), utf8("pipelined"))
                    .thenAccept(r -> System.out.println("async put at revision " + r))
                    .join();
        } catch (OutcomeUnknownException e) {
            // The write may or may not have happened: read before retrying a write that is not idempotent.
            System.err.println("outcome unknown: " + e.getMessage());
            System.exit(5);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? "(absent)" : new String(bytes, StandardCharsets.UTF_8);
    }
}
