import { lz4 } from "@avila/compress";
console.log(lz4);
