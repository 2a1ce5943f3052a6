# Added by Talash to clap_complete's script: the values of --group, -g and --outlet come
# from `talash complete groups|outlets`, run while Tab is pressed, on the index the command
# line names (--index DIR or --index=DIR), else TALASH_INDEX, else ./index. compadd quotes
# what it inserts (spaces, parentheses), inside an open quote too. _arguments calls an action
# with compadd options (-J, -X, ...) before its own words: the kind is the last word, and the
# options go on to compadd.
(( $+functions[_talash_values] )) ||
_talash_values() {
    local kind=${@[-1]}
    local -a typed index values
    local i dir cmd
    typed=(${(z)LBUFFER})
    for (( i = 2; i < ${#typed}; i++ )); do
        case ${typed[i]} in
            (--index) dir=${(Q)typed[i+1]} ;;
            (--index=*) dir=${(Q)${typed[i]#--index=}} ;;
        esac
    done
    if [[ -n $dir ]]; then
        index=(--index "${dir/#\~/$HOME}")
    fi
    cmd=${(Q)typed[1]}
    values=(${(f)"$("${cmd/#\~/$HOME}" complete $kind $index 2>/dev/null)"})
    compadd "${(@)argv[1,-2]}" -M 'm:{a-zA-Z}={A-Za-z}' -a values
}
