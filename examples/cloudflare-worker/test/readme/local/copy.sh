cp .dev.vars.example .dev.vars
