module github.com/flaskbridge/flaskbridge/msgspec/internal/vmbench

go 1.26.0

require (
	github.com/flaskbridge/flaskbridge v0.0.0
	github.com/vmihailenco/msgpack/v5 v5.4.1
)

require github.com/vmihailenco/tagparser/v2 v2.0.0 // indirect

replace github.com/flaskbridge/flaskbridge => ../../..
