# Added by Talash to clap_complete's script: the values of --group, -g and --outlet come
# from `talash complete groups|outlets`, run while Tab is pressed, on the index the command
# line names (--index DIR or --index=DIR), else TALASH_INDEX, else ./index. compadd quotes
# what it inserts (spaces, parentheses), inside an open quote too.
(( $+functions[_talash_values] )) ||
_talash_values() {
    local -a typed index values expl
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
    values=(${(f)"$("${cmd/#\~/$HOME}" complete $1 $index 2>/dev/null)"})
    _wanted talash-$1 expl $1 compadd -M 'm:{a-zA-Z}={A-Za-z}' -a values
}
