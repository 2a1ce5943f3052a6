
# Added by Talash to clap_complete's script: the values of --group, -g and --outlet come
# from `talash complete groups|outlets`, run while Tab is pressed, on the index the command
# line names (--index DIR or --index=DIR), else TALASH_INDEX, else ./index.
_talash_values() {
    local kind="$1" word="${COMP_WORDS[COMP_CWORD]}" quote="" cur i dir=""
    local -a index=()
    # The word as typed: an opening quote means the values go in unescaped (readline closes
    # the quote); otherwise spaces and the like are escaped with backslashes.
    case "$word" in
        \'*) quote="'" ;;
        \"*) quote='"' ;;
    esac
    cur="${word#"$quote"}"
    [[ -z "$quote" ]] && cur="${cur//\\/}"
    for (( i = 1; i < COMP_CWORD; i++ )); do
        case "${COMP_WORDS[i]}" in
            --index)
                dir="${COMP_WORDS[i+1]}"
                [[ "$dir" == "=" ]] && dir="${COMP_WORDS[i+2]}"
                ;;
            --index=*) dir="${COMP_WORDS[i]#--index=}" ;;
        esac
    done
    if [[ -n "$dir" ]]; then
        dir="${dir#[\'\"]}"
        dir="${dir%[\'\"]}"
        [[ "$dir" == "~/"* ]] && dir="$HOME/${dir#"~/"}"
        index=(--index "$dir")
    fi
    # No file names when there is nothing to offer (no index): bash's fallbacks are off here.
    compopt +o default +o bashdefault 2>/dev/null
    local restore value cmd="${COMP_WORDS[0]}"
    [[ "$cmd" == "~/"* ]] && cmd="$HOME/${cmd#"~/"}"
    restore="$(shopt -p nocasematch)"
    shopt -s nocasematch
    COMPREPLY=()
    while IFS= read -r value; do
        [[ -z "$value" ]] && continue
        # A prefix of the name, in any case, or of the name without a leading "The".
        if [[ "$value" == "$cur"* || "${value#[Tt]he }" == "$cur"* ]]; then
            if [[ -n "$quote" ]]; then
                COMPREPLY+=("$value")
            else
                COMPREPLY+=("$(printf '%q' "$value")")
            fi
        fi
    done < <("$cmd" complete "$kind" "${index[@]}" 2>/dev/null)
    eval "$restore"
}

_talash_with_values() {
    local opt="${COMP_WORDS[COMP_CWORD-1]}"
    # --outlet=VALUE: bash splits the word at "=", so the option is one word further back.
    if [[ "$opt" == "=" && COMP_CWORD -ge 2 ]]; then
        opt="${COMP_WORDS[COMP_CWORD-2]}"
    fi
    case "$opt" in
        --group | -g) _talash_values groups ;;
        --outlet) _talash_values outlets ;;
        *) _talash "$@" ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _talash_with_values -o nosort -o bashdefault -o default talash
else
    complete -F _talash_with_values -o bashdefault -o default talash
fi
