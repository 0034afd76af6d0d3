import RolloutCore

/// `rollout completion bash|zsh|fish`: a completion script for the shell, as `kubectl
/// completion` gives one — the verbs, the global flags, the resource types for `get`,
/// `describe` and `delete`, files for `-f` and directories for `--state`.
enum CompletionCommand {
    static let help = """
    Print a shell completion script: the verbs, global flags, resource types and files.

    Usage:
      rollout completion bash|zsh|fish

    Examples:
      source <(rollout completion bash)          # in ~/.bashrc
      source <(rollout completion zsh)           # in ~/.zshrc
      rollout completion fish | source           # in ~/.config/fish/config.fish

    """ + Global.helpText

    static func run(_ args: [String], verbs given: [String], io: inout CommandIO) throws -> Int32 {
        let parsed = try Arguments(args, specs: Global.specs)
        if parsed.flag("--help") { io.out(help + "\n"); return 0 }
        guard parsed.positional.count == 1, let shell = parsed.positional.first else {
            throw UsageError(message: "Shell not specified.\nSee 'rollout completion -h' for help and examples")
        }
        let verbs = given.sorted()
        let types = Array(Set(ResourceType.builtIn.flatMap { [$0.plural] + $0.shortNames })).sorted()
        let flags = ["--state", "--namespace", "-n", "--no-color", "--help", "-h"]
        switch shell {
        case "bash": io.out(bash(verbs: verbs, types: types, flags: flags))
        case "zsh": io.out("#compdef rollout\n# zsh completion for rollout, through bash's\nautoload -U +X bashcompinit && bashcompinit\n" + bash(verbs: verbs, types: types, flags: flags))
        case "fish": io.out(fish(verbs: verbs, types: types))
        default: throw UsageError(message: "Unsupported shell type \"\(shell)\".")
        }
        return 0
    }

    static func bash(verbs: [String], types: [String], flags: [String]) -> String {
        """
        # bash completion for rollout
        _rollout() {
            local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"
            if [[ $COMP_CWORD -eq 1 ]]; then
                COMPREPLY=( $(compgen -W "\(verbs.joined(separator: " "))" -- "$cur") )
                return
            fi
            case "$prev" in
                -f|--filename|--nodes-from|--svg) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
                --state) COMPREPLY=( $(compgen -d -- "$cur") ); return ;;
                --profile) COMPREPLY=( $(compgen -W "k3s kind minikube bare" -- "$cur") ); return ;;
                -o|--output) COMPREPLY=( $(compgen -W "table wide yaml json name jsonpath= custom-columns=" -- "$cur") ); return ;;
            esac
            if [[ "$cur" != -* ]]; then
                case "${COMP_WORDS[1]}" in
                    get|describe|delete) COMPREPLY=( $(compgen -W "\(types.joined(separator: " "))" -- "$cur") ); return ;;
                    completion) COMPREPLY=( $(compgen -W "bash zsh fish" -- "$cur") ); return ;;
                    help) COMPREPLY=( $(compgen -W "\(verbs.joined(separator: " "))" -- "$cur") ); return ;;
                esac
            fi
            COMPREPLY=( $(compgen -W "\(flags.joined(separator: " "))" -- "$cur") )
        }
        complete -o default -F _rollout rollout

        """
    }

    static func fish(verbs: [String], types: [String]) -> String {
        var out = "# fish completion for rollout\ncomplete -c rollout -f\n"
        out += "complete -c rollout -n '__fish_use_subcommand' -a '\(verbs.joined(separator: " "))'\n"
        out += "complete -c rollout -n '__fish_seen_subcommand_from get describe delete' -a '\(types.joined(separator: " "))'\n"
        out += "complete -c rollout -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n"
        out += "complete -c rollout -l state -r -a '(__fish_complete_directories)' -d 'State directory'\n"
        out += "complete -c rollout -s n -l namespace -r -d 'Namespace'\n"
        out += "complete -c rollout -s f -l filename -r -F -d 'Files, folders or - for standard input'\n"
        out += "complete -c rollout -l no-color -d 'Plain output'\n"
        return out
    }
}
