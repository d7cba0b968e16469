// Environment values that are hard to quote, shared by the escaper test (sh reads them back) and
// the container test (systemd's EnvironmentFile= hands them to the service).
/** Each must reach the service byte for byte. */
export const ENV_VALUES: readonly string[] = ['plain', '', '  spaces kept  ', 'a "quoted" $HOME `cmd` \\ \\n \\$', "it's", 'two\nlines\n', 'tab\there\r\x1b[0m\x7f', '#not a comment', 'é ü 😀', 'ends with \\'];
