package visq.actors.router;

import akka.NotUsed;
import akka.grpc.ServiceDescription;
import akka.japi.Pair;
import akka.stream.javadsl.Source;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import io.grpc.Status;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import visq.protocol.reflection.ErrorResponse;
import visq.protocol.reflection.ExtensionNumberResponse;
import visq.protocol.reflection.ExtensionRequest;
import visq.protocol.reflection.FileDescriptorResponse;
import visq.protocol.reflection.ListServiceResponse;
import visq.protocol.reflection.ServerReflection;
import visq.protocol.reflection.ServerReflectionRequest;
import visq.protocol.reflection.ServerReflectionResponse;
import visq.protocol.reflection.ServiceResponse;

/**
 * Server reflection, version v1 ({@code grpc.reflection.v1.ServerReflection}, what grpcurl and current gRPC tools ask
 * first), answered from the descriptors compiled into the services this server serves. A file is sent with the files
 * it depends on, each file once per stream; a symbol may name a service, method, message (nested too), enum or
 * extension. What is not there is answered with an error response NOT_FOUND that names it; the stream goes on.
 */
public final class DescriptorReflection implements ServerReflection {
    private final List<String> services;
    private final Map<String, FileDescriptor> filesByName = new LinkedHashMap<>();
    private final Map<String, FileDescriptor> filesBySymbol = new HashMap<>();
    private final Map<String, Map<Integer, FileDescriptor>> extensionsByType = new HashMap<>();

    /**
     * @param served      the services to report, as Akka gRPC describes them
     * @param alsoServed  names of further services on the same port, with the file that defines each (the other
     *                    reflection version)
     */
    public DescriptorReflection(List<ServiceDescription> served, Map<String, FileDescriptor> alsoServed) {
        Set<String> names = new TreeSet<>();
        for (ServiceDescription service : served) {
            names.add(service.name());
            index(service.descriptor());
        }
        names.add(ServerReflection.name);
        index(visq.protocol.reflection.ServerReflectionProto.getDescriptor());
        alsoServed.forEach((name, file) -> {
            names.add(name);
            index(file);
        });
        this.services = List.copyOf(names);
    }

    @Override
    public Source<ServerReflectionResponse, NotUsed> serverReflectionInfo(Source<ServerReflectionRequest, NotUsed> in) {
        return in.statefulMap(HashSet<String>::new,
                (sent, request) -> Pair.create(sent, answer(request, sent)),
                sent -> Optional.empty());
    }

    /** The answer to one request; {@code sent} holds the names of the files this stream has sent already. */
    ServerReflectionResponse answer(ServerReflectionRequest request, Set<String> sent) {
        ServerReflectionResponse.Builder response = ServerReflectionResponse.newBuilder()
                .setValidHost(request.getHost())
                .setOriginalRequest(request);
        switch (request.getMessageRequestCase()) {
            case LIST_SERVICES: {
                ListServiceResponse.Builder list = ListServiceResponse.newBuilder();
                services.forEach(name -> list.addService(ServiceResponse.newBuilder().setName(name)));
                return response.setListServicesResponse(list).build();
            }
            case FILE_BY_FILENAME:
                return withFile(response, filesByName.get(request.getFileByFilename()),
                        "file '" + request.getFileByFilename() + "'", sent);
            case FILE_CONTAINING_SYMBOL:
                return withFile(response, filesBySymbol.get(request.getFileContainingSymbol()),
                        "symbol '" + request.getFileContainingSymbol() + "'", sent);
            case FILE_CONTAINING_EXTENSION: {
                ExtensionRequest extension = request.getFileContainingExtension();
                FileDescriptor file = extensionsByType.getOrDefault(extension.getContainingType(), Map.of())
                        .get(extension.getExtensionNumber());
                return withFile(response, file, "extension " + extension.getExtensionNumber() + " of '"
                        + extension.getContainingType() + "'", sent);
            }
            case ALL_EXTENSION_NUMBERS_OF_TYPE: {
                String type = request.getAllExtensionNumbersOfType();
                if (!isMessage(type)) {
                    return error(response, Status.Code.NOT_FOUND, "message type '" + type + "' not found");
                }
                return response.setAllExtensionNumbersResponse(ExtensionNumberResponse.newBuilder()
                        .setBaseTypeName(type)
                        .addAllExtensionNumber(new TreeSet<>(extensionsByType.getOrDefault(type, Map.of()).keySet())))
                        .build();
            }
            default:
                return error(response, Status.Code.INVALID_ARGUMENT, "the request names nothing to look up");
        }
    }

    private ServerReflectionResponse withFile(ServerReflectionResponse.Builder response, FileDescriptor file,
            String what, Set<String> sent) {
        if (file == null) {
            return error(response, Status.Code.NOT_FOUND, what + " not found");
        }
        FileDescriptorResponse.Builder files = FileDescriptorResponse.newBuilder();
        Deque<FileDescriptor> toSend = new ArrayDeque<>(List.of(file));
        boolean first = true;
        while (!toSend.isEmpty()) {
            FileDescriptor next = toSend.poll();
            // the file asked for is always sent; its dependencies only when this stream has not sent them yet
            if (!first && sent.contains(next.getName())) {
                continue;
            }
            first = false;
            sent.add(next.getName());
            files.addFileDescriptorProto(ByteString.copyFrom(next.toProto().toByteArray()));
            toSend.addAll(next.getDependencies());
        }
        return response.setFileDescriptorResponse(files).build();
    }

    private static ServerReflectionResponse error(ServerReflectionResponse.Builder response, Status.Code code,
            String message) {
        return response.setErrorResponse(ErrorResponse.newBuilder().setErrorCode(code.value())
                .setErrorMessage(message)).build();
    }

    private boolean isMessage(String type) {
        FileDescriptor file = filesBySymbol.get(type);
        return file != null && messageTypes(file).stream().anyMatch(message -> message.getFullName().equals(type));
    }

    /** Indexes {@code file} and, transitively, the files it imports. */
    private void index(FileDescriptor file) {
        if (filesByName.putIfAbsent(file.getName(), file) != null) {
            return;
        }
        for (ServiceDescriptor service : file.getServices()) {
            filesBySymbol.put(service.getFullName(), file);
            for (MethodDescriptor method : service.getMethods()) {
                filesBySymbol.put(method.getFullName(), file);
            }
        }
        for (Descriptor message : messageTypes(file)) {
            filesBySymbol.put(message.getFullName(), file);
            message.getEnumTypes().forEach(nested -> filesBySymbol.put(nested.getFullName(), file));
            message.getExtensions().forEach(extension -> indexExtension(extension, file));
        }
        for (EnumDescriptor enumType : file.getEnumTypes()) {
            filesBySymbol.put(enumType.getFullName(), file);
        }
        file.getExtensions().forEach(extension -> indexExtension(extension, file));
        file.getDependencies().forEach(this::index);
    }

    private void indexExtension(FieldDescriptor extension, FileDescriptor file) {
        filesBySymbol.put(extension.getFullName(), file);
        extensionsByType.computeIfAbsent(extension.getContainingType().getFullName(), type -> new HashMap<>())
                .put(extension.getNumber(), file);
    }

    /** Every message type of {@code file}, nested ones included. */
    private static List<Descriptor> messageTypes(FileDescriptor file) {
        List<Descriptor> all = new ArrayList<>();
        Deque<Descriptor> open = new ArrayDeque<>(file.getMessageTypes());
        while (!open.isEmpty()) {
            Descriptor message = open.poll();
            all.add(message);
            open.addAll(message.getNestedTypes());
        }
        return all;
    }
}
