package io.tern.verify;

import io.tern.verify.checker.Verdict;
import io.tern.verify.history.History;
import io.tern.verify.history.Operation;
import io.tern.verify.history.Outcome;
import io.tern.verify.nemesis.FaultEvent;
import io.tern.verify.nemesis.LeaderTracker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An HTML page with one SVG chart of a run: every operation as a dot at its invocation time and
 * latency (log scale), coloured by outcome; unknown outcomes along the top; fault windows shaded
 * and labelled; leader changes as ticks; operations of a violation circled. No scripts, no
 * downloads: it opens anywhere.
 */
final class HistoryPlot {

    private static final int WIDTH = 1400;
    private static final int HEIGHT = 520;
    private static final int LEFT = 60;
    private static final int TOP = 40;
    private static final int PLOT_HEIGHT = 400;

    private HistoryPlot() {
    }

    static void write(Path file, History history, List<FaultEvent> faults, List<LeaderTracker.LeaderChange> leaders,
                      Verdict verdict) throws IOException {
        List<Operation> ops = history.operations();
        long end = 1;
        for (Operation op : ops) {
            end = Math.max(end, op.completeNanos() == Operation.NEVER ? op.invokeNanos() : op.completeNanos());
        }
        for (FaultEvent fault : faults) {
            end = Math.max(end, fault.endNanos() < 0 ? fault.startNanos() : fault.endNanos());
        }
        Set<Operation> violating = new HashSet<>();
        verdict.witnesses().forEach(w -> violating.addAll(w.operations()));
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d' "
                + "font-family='sans-serif' font-size='11'>%n", WIDTH, HEIGHT));
        double xScale = (WIDTH - LEFT - 20) / (double) end;
        for (FaultEvent fault : faults) {
            double x = LEFT + fault.startNanos() * xScale;
            double w = Math.max(1, ((fault.endNanos() < 0 ? end : fault.endNanos()) - fault.startNanos()) * xScale);
            svg.append(String.format(Locale.ROOT, "<rect x='%.1f' y='%d' width='%.1f' height='%d' fill='%s' "
                    + "fill-opacity='0.18'><title>%s</title></rect>%n", x, TOP, w, PLOT_HEIGHT,
                    fault.failed() ? "#d62728" : "#ff7f0e", escape(fault.toString())));
            svg.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' fill='#a0522d'>%s</text>%n", x + 2, TOP - 4,
                    escape(fault.fault().name())));
        }
        for (LeaderTracker.LeaderChange change : leaders) {
            double x = LEFT + change.atNanos() * xScale;
            svg.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#2ca02c'>"
                    + "<title>leader %d in term %d</title></line>%n", x, TOP + PLOT_HEIGHT, x, TOP + PLOT_HEIGHT + 10,
                    change.leaderId(), change.term()));
        }
        // Latency on a log scale from 0.1 ms to 10 s.
        for (double ms : new double[] {0.1, 1, 10, 100, 1000, 10000}) {
            double y = latencyY(ms);
            svg.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>"
                    + "<text x='4' y='%.1f'>%s ms</text>%n", LEFT, y, WIDTH - 20, y, y + 4, ms < 1 ? "0.1" : (long) ms));
        }
        for (Operation op : ops) {
            double x = LEFT + op.invokeNanos() * xScale;
            boolean unknown = op.outcome() instanceof Outcome.Unknown;
            double y = unknown ? TOP + 4 : latencyY((op.completeNanos() - op.invokeNanos()) / 1e6);
            String colour = switch (op.outcome()) {
                case Outcome.Unknown u -> "#9467bd";
                case Outcome.Failed f -> "#d62728";
                default -> "#1f77b4";
            };
            svg.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='%s' fill='%s'%s><title>%s</title>"
                            + "</circle>%n", x, y, violating.contains(op) ? "5" : "1.5", colour,
                    violating.contains(op) ? " stroke='black' stroke-width='2'" : "",
                    escape("p" + op.process() + " " + op.call().describe() + " -> " + op.outcome().describe())));
        }
        svg.append(String.format(Locale.ROOT, "<text x='%d' y='%d'>time (%.1f s in all) · blue ok · red failed · purple "
                + "unknown (top) · orange: faults · green ticks: leader changes · circled: a violation</text>%n",
                LEFT, HEIGHT - 10, end / 1e9));
        svg.append("</svg>\n");
        String html = "<!doctype html><html><head><meta charset='utf-8'><title>tern verify</title></head><body>\n"
                + "<h3>tern verify: " + escape(verdict.result().toString()) + ", " + ops.size() + " operations</h3>\n"
                + svg + "</body></html>\n";
        Files.writeString(file, html);
    }

    private static double latencyY(double millis) {
        double clamped = Math.min(10_000, Math.max(0.1, millis));
        double fraction = (Math.log10(clamped) + 1) / 5; // 0.1 ms -> 0, 10 s -> 1
        return TOP + PLOT_HEIGHT - fraction * (PLOT_HEIGHT - 10);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;");
    }
}
