package io.tern.platform.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What a set of files looked like (modification time and size of each, or that it was missing): two
 * stamps differ when a file was replaced, rewritten, removed or came back.
 */
record FileStamp(List<String> files) {

    static FileStamp of(Path... paths) {
        List<String> files = new ArrayList<>();
        for (Path path : paths) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                files.add(path + "@" + attributes.lastModifiedTime().toMillis() + "/" + attributes.size()
                        + "/" + attributes.fileKey());
            } catch (IOException e) {
                files.add(path + "@missing");
            }
        }
        return new FileStamp(List.copyOf(files));
    }
}
