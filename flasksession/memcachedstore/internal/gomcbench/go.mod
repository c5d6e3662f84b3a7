module github.com/flaskbridge/flaskbridge/flasksession/memcachedstore/internal/gomcbench

go 1.26.0

require (
	github.com/bradfitz/gomemcache v0.0.0-20260422231931-4d751bb6e37c
	github.com/flaskbridge/flaskbridge v0.0.0
)

require github.com/BurntSushi/toml v1.6.0 // indirect

replace github.com/flaskbridge/flaskbridge => ../../../..
