import RolloutCore

enum RenderCommand {
    static let help = """
    Print manifests exactly as they are read: no defaults, no validation, no state.

    Usage:
      rollout render -f PATH... [-R] [-o yaml|json] [--schema kubernetes|core]

    Examples:
      # Show how Kubernetes reads a manifest (yes/no/on/off are booleans, 0755 is octal)
      rollout render -f deploy.yaml

      # One compact JSON document per line, from every manifest under k8s/
      rollout render -f k8s/ -R -o json

      # Read stdin with the YAML 1.2 core schema
      cat file.yaml | rollout render -f - --schema core

    Options:
      -f, --filename=[]    Files, folders (.yaml, .yml, .json) or - for standard input
      -R, --recursive      Walk folders given with -f recursively
      -o, --output=yaml    Output format: yaml (documents separated by ---) or json (one per line)
          --schema=kubernetes
                           How plain scalars resolve: kubernetes (go-yaml v2, YAML 1.1 words)
                           or core (YAML 1.2 core schema)
    """

    static func run(_ args: [String], io: inout CommandIO) throws -> Int32 {
        let parsed = try Arguments(args, specs: [
            .init(names: ["-f", "--filename"], takesValue: true),
            .init(names: ["-R", "--recursive"], takesValue: false),
            .init(names: ["-o", "--output"], takesValue: true),
            .init(names: ["--schema"], takesValue: true),
            .init(names: ["-h", "--help"], takesValue: false),
        ])
        if parsed.flag("--help") { io.out(help + "\n"); return 0 }
        if !parsed.positional.isEmpty {
            throw UsageError(message: "unexpected argument \"\(parsed.positional[0])\"; give manifests with -f")
        }
        let paths = parsed.all("--filename")
        if paths.isEmpty { throw UsageError(message: "must specify one of -f and -k\nSee 'rollout render --help' for usage.") }
        let outputName = parsed.last("--output") ?? "yaml"
        guard let format = RenderFormat(rawValue: outputName) else {
            throw UsageError(message: "unable to match a printer suitable for the output format \"\(outputName)\", allowed formats are: json,yaml")
        }
        let schemaName = parsed.last("--schema") ?? "kubernetes"
        guard let schema = YAMLSchema(rawValue: schemaName) else {
            throw UsageError(message: "invalid argument \"\(schemaName)\" for \"--schema\" flag: expected kubernetes or core")
        }
        // Files are mapped, so the JSON path can give their pages back as it reads through them.
        let sources = try ManifestPaths.sources(for: paths, recursive: parsed.flag("--recursive"), mapFiles: format == .json)
        let (output, warnings) = try Render.render(sources, schema: schema, format: format)
        for warning in warnings { io.err(warning.description + "\n") }
        io.out(output)
        return 0
    }
}
